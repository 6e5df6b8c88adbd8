package dtable.slave;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Liveness probe with SeaTable's answer. */
@RestController
class PingController {

    @GetMapping({"/ping/", "/ping"})
    String ping() {
        return "pong";
    }
}
