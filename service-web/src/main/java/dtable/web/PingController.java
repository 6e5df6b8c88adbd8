package dtable.web;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Liveness probe with SeaTable's answer. */
@RestController
public class PingController {

    @GetMapping({"/ping/", "/ping"})
    String ping() {
        return "pong";
    }
}
