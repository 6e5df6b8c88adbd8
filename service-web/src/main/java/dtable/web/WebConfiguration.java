package dtable.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What a servlet service imports to share the web plumbing: the error advice and {@code /ping/}.
 * The filters need the service's node id and limit, so each service registers those itself.
 */
@Configuration(proxyBeanMethods = false)
@Import({ErrorAdvice.class, PingController.class})
public class WebConfiguration {
}
