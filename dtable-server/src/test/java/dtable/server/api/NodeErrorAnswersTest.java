package dtable.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.error.BaseUnavailableException;
import dtable.storage.StorageException;
import dtable.web.ApiException;
import dtable.web.ErrorAdvice;
import java.io.UnsupportedEncodingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver;

/**
 * The node's error answers through Spring's real exception resolution, as the servlet path (dispatcher and lean
 * writes) gets them, and through {@link NodeErrorAdvice#answer}, as the write port gets them. Spring picks an
 * advice's handler when the exception <em>or one of its causes</em> is of a handled type: a failed commit
 * arrives as a {@link BaseUnavailableException} caused by a {@link StorageException}, and once answered an empty
 * 200 there (a write acknowledged that the log never had; the fault suite's node-cut-from-mysql found it).
 */
class NodeErrorAnswersTest {

    private final AnnotationConfigWebApplicationContext context = new AnnotationConfigWebApplicationContext();
    private final ExceptionHandlerExceptionResolver resolver = new ExceptionHandlerExceptionResolver();

    NodeErrorAnswersTest() {
        context.setServletContext(new MockServletContext());
        context.register(NodeErrorAdvice.class, ErrorAdvice.class);
        context.refresh();
        resolver.setApplicationContext(context);
        resolver.afterPropertiesSet();
    }

    @AfterEach
    void close() {
        context.close();
    }

    private MockHttpServletResponse resolve(Exception e) throws UnsupportedEncodingException {
        MockHttpServletResponse response = new MockHttpServletResponse();
        ModelAndView resolved = resolver.resolveException(new MockHttpServletRequest("POST", "/api/v1/dtables/x/rows/"),
                response, null, e);
        assertThat(resolved).as("an advice answered " + e).isNotNull();
        assertThat(response.getContentAsString()).as("the answer has a body").isNotEmpty();
        return response;
    }

    @Test
    void aCommitThatFailedInStorageIs503WithRetryAfterNeverAnEmpty200() throws Exception {
        Exception failed = new BaseUnavailableException("storage unavailable: link down",
                new StorageException("link down", null));

        MockHttpServletResponse servlet = resolve(failed);
        assertThat(servlet.getStatus()).isEqualTo(503);
        assertThat(servlet.getContentAsString()).contains("\"error_type\":\"base_unavailable\"");
        assertThat(servlet.getHeader("Retry-After")).isEqualTo("1");

        ResponseEntity<String> writePort = NodeErrorAdvice.answer(failed, "/api/v1/dtables/x/rows/");
        assertThat(writePort.getStatusCode().value()).isEqualTo(503);
        assertThat(writePort.getBody()).isEqualTo(servlet.getContentAsString());
    }

    @Test
    void bothPathsLookAtCausesAlike() throws Exception {
        // the node's own failures are found among the causes
        Exception storage = new IllegalStateException("wrapped", new StorageException("link down", null));
        assertThat(resolve(storage).getStatus()).isEqualTo(503);
        assertThat(NodeErrorAdvice.answer(storage, "/").getStatusCode().value()).isEqualTo(503);
        // the shared ones only as the exception itself: the catch-all takes the wrapper first
        Exception api = new IllegalStateException("wrapped", ApiException.badRequest("invalid_operation", "x"));
        assertThat(resolve(api).getStatus()).isEqualTo(500);
        assertThat(NodeErrorAdvice.answer(api, "/").getStatusCode().value()).isEqualTo(500);
    }

    @Test
    void anythingElseIs500WithoutItsMessage() throws Exception {
        Exception unexpected = new IllegalStateException("secret detail");

        MockHttpServletResponse servlet = resolve(unexpected);
        assertThat(servlet.getStatus()).isEqualTo(500);
        assertThat(servlet.getContentAsString()).contains("internal_error").doesNotContain("secret detail");
        assertThat(NodeErrorAdvice.answer(unexpected, "/").getStatusCode().value()).isEqualTo(500);
    }
}
