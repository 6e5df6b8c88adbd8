package dtable.server.api;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Registers {@link LeanWriteFilter} last among the filters: after the node header, the body limit, the request
 * metrics' observation and the request context (which a 307's {@code Location} reads), right before the dispatcher.
 * {@code dtable.api.lean-writes=false} (a Spring property, e.g. {@code -Ddtable.api.lean-writes=false}) leaves every write to the
 * dispatcher: the same answers, for comparing the two paths' cost.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "dtable.api.lean-writes", havingValue = "true", matchIfMissing = true)
public class LeanWrites {

    @Bean
    FilterRegistrationBean<LeanWriteFilter> leanWriteFilter(RowsController rows,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        var registration = new FilterRegistrationBean<>(new LeanWriteFilter(rows, errors));
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        return registration;
    }
}
