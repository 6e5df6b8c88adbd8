package dtable.server.api;

import dtable.web.BodyLimitFilter;
import dtable.web.NodeHeaderFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Registers {@link LeanWriteFilter} right after the node header and the body limit ({@link NodeHeaderFilter},
 * {@link BodyLimitFilter}) and before the request metrics' observation filter, which it replaces for the
 * requests it takes by recording the same timer itself. So this configuration also registers that observation
 * filter, one place later than Spring Boot would (Boot's own registration then stands back); everything the
 * lean filter leaves to the dispatcher is observed as before.
 * {@code dtable.api.lean-writes=false} (a Spring property, e.g. {@code -Ddtable.api.lean-writes=false}) leaves every
 * write to the dispatcher and Boot's filters as they were: the same answers, for comparing the two paths' cost.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "dtable.api.lean-writes", havingValue = "true", matchIfMissing = true)
public class LeanWrites {

    /** After {@link NodeHeaderFilter} and {@link BodyLimitFilter}. */
    static final int ORDER = NodeHeaderFilter.ORDER + 2;

    @Bean
    FilterRegistrationBean<LeanWriteFilter> leanWriteFilter(RowsController rows,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors, MeterRegistry meters) {
        var registration = new FilterRegistrationBean<>(new LeanWriteFilter(rows, errors, meters));
        registration.setOrder(ORDER);
        return registration;
    }

    /** Spring Boot's request observation (its defaults: the {@code http.server.requests} name), after the lean filter. */
    @Bean
    FilterRegistrationBean<ServerHttpObservationFilter> requestObservationFilter(ObservationRegistry observations) {
        var registration = new FilterRegistrationBean<>(new ServerHttpObservationFilter(observations));
        registration.setOrder(ORDER + 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        return registration;
    }
}
