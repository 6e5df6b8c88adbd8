package dtable.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dtable.server.api.RowsController.RowWrite;
import dtable.web.ApiException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/** Which requests the lean path takes (and answers itself) and which it leaves to the dispatcher. */
class LeanWriteFilterTest {

    private static final String UUID = "0b6a5d0e-3f52-4c43-9f3e-6d1a2b3c4d5e";

    // the six writes as RowsController lists them; the filter runs them through RowsController.write, mocked here
    private static final RowWrite APPEND = new RowWrite("POST", "rows", null, null);
    private static final RowWrite UPDATE = new RowWrite("PUT", "rows", null, null);
    private static final RowWrite DELETE = new RowWrite("DELETE", "rows", null, null);
    private static final RowWrite BATCH_APPEND = new RowWrite("POST", "batch-append-rows", null, null);
    private static final RowWrite BATCH_UPDATE = new RowWrite("PUT", "batch-update-rows", null, null);
    private static final RowWrite BATCH_DELETE = new RowWrite("DELETE", "batch-delete-rows", null, null);

    private final RowsController rows = mock(RowsController.class, invocation -> "{}");
    {
        doReturn(List.of(APPEND, UPDATE, DELETE, BATCH_APPEND, BATCH_UPDATE, BATCH_DELETE)).when(rows).writes();
    }

    private final HandlerExceptionResolver errors = mock(HandlerExceptionResolver.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LeanWriteFilter filter = new LeanWriteFilter(rows, errors, meters);

    @Test
    void anAppendRunsTheControllersMethodWithoutTheDispatcher() throws Exception {
        MockHttpServletRequest request = request("POST", "/api/v1/dtables/" + UUID + "/rows/", "{\"a\":1}");
        when(rows.write(eq(APPEND), eq(UUID), any(), any(), any())).thenReturn("{\"_id\":\"x\"}");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(chain.getRequest()).as("the dispatcher was not reached").isNull();
        verify(rows).write(eq(APPEND), eq(UUID), eq("{\"a\":1}".getBytes(StandardCharsets.UTF_8)), any(), any());
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).isEqualTo("application/json");
        assertThat(response.getContentAsString()).isEqualTo("{\"_id\":\"x\"}");
    }

    @Test
    void everyRowWriteIsTakenWithOrWithoutTheTrailingSlashAndAnEmptyBodyIsNull() throws Exception {
        String base = "/api/v1/dtables/" + UUID + "/";
        filter.doFilter(request("PUT", base + "rows", ""), new MockHttpServletResponse(), new MockFilterChain());
        filter.doFilter(request("DELETE", base + "rows/", ""), new MockHttpServletResponse(), new MockFilterChain());
        filter.doFilter(request("POST", base + "batch-append-rows", ""), new MockHttpServletResponse(), new MockFilterChain());
        filter.doFilter(request("PUT", base + "batch-update-rows/", ""), new MockHttpServletResponse(), new MockFilterChain());
        filter.doFilter(request("DELETE", base + "batch-delete-rows/", ""), new MockHttpServletResponse(), new MockFilterChain());
        verify(rows).write(eq(UPDATE), eq(UUID), isNull(), any(), any());
        verify(rows).write(eq(DELETE), eq(UUID), isNull(), any(), any());
        verify(rows).write(eq(BATCH_APPEND), eq(UUID), isNull(), any(), any());
        verify(rows).write(eq(BATCH_UPDATE), eq(UUID), isNull(), any(), any());
        verify(rows).write(eq(BATCH_DELETE), eq(UUID), isNull(), any(), any());
    }

    @Test
    void aFailureIsAnsweredByTheDispatchersExceptionResolvers() throws Exception {
        MockHttpServletRequest request = request("POST", "/api/v1/dtables/" + UUID + "/rows/", "{}");
        ApiException refused = ApiException.badRequest("invalid_operation", "row is required");
        when(rows.write(eq(APPEND), any(), any(), any(), any())).thenThrow(refused);
        MockHttpServletResponse response = new MockHttpServletResponse();
        when(errors.resolveException(request, response, null, refused)).thenReturn(new ModelAndView());
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        verify(errors).resolveException(request, response, null, refused);
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void aBodyWithoutADeclaredLengthIsReadWholeAndOneShorterThanDeclaredIsNotReadable() throws Exception {
        String rowsPath = "/api/v1/dtables/" + UUID + "/rows/";
        MockHttpServletRequest chunked = new MockHttpServletRequest("POST", rowsPath) {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        chunked.setContentType("application/json");
        chunked.setContent("{\"chunked\":true}".getBytes(StandardCharsets.UTF_8));
        filter.doFilter(chunked, new MockHttpServletResponse(), new MockFilterChain());
        verify(rows).write(eq(APPEND), eq(UUID), eq("{\"chunked\":true}".getBytes(StandardCharsets.UTF_8)), any(), any());

        MockHttpServletRequest cut = new MockHttpServletRequest("POST", rowsPath) {
            @Override
            public long getContentLengthLong() {
                return 100;
            }
        };
        cut.setContentType("application/json");
        cut.setContent("{\"a\":".getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse response = new MockHttpServletResponse();
        when(errors.resolveException(eq(cut), eq(response), isNull(), any(HttpMessageNotReadableException.class)))
                .thenReturn(new ModelAndView());
        filter.doFilter(cut, response, new MockFilterChain());
        verify(errors).resolveException(eq(cut), eq(response), isNull(), any(HttpMessageNotReadableException.class));
        verify(rows, never()).write(eq(APPEND), eq(UUID), eq("{\"a\":".getBytes(StandardCharsets.UTF_8)), any(), any());
    }

    @Test
    void aTakenRequestIsTimedAsTheRequestObservationWouldTimeIt() throws Exception {
        String rowsPath = "/api/v1/dtables/" + UUID + "/rows/";
        filter.doFilter(request("POST", rowsPath, "{}"), new MockHttpServletResponse(), new MockFilterChain());
        filter.doFilter(request("POST", rowsPath, "{}"), new MockHttpServletResponse(), new MockFilterChain());
        MockHttpServletRequest refusedRequest = request("POST", rowsPath, "{}");
        MockHttpServletResponse refusedResponse = new MockHttpServletResponse();
        ApiException refused = ApiException.badRequest("invalid_operation", "row is required");
        when(rows.write(eq(APPEND), any(), any(), any(), any())).thenThrow(refused);
        when(errors.resolveException(refusedRequest, refusedResponse, null, refused)).then(invocation -> {
            refusedResponse.setStatus(400);
            return new ModelAndView();
        });
        filter.doFilter(refusedRequest, refusedResponse, new MockFilterChain());
        filter.doFilter(request("GET", rowsPath, ""), new MockHttpServletResponse(), new MockFilterChain());

        assertThat(timer("200", "SUCCESS").count()).isEqualTo(2);
        assertThat(timer("400", "CLIENT_ERROR").count()).isEqualTo(1);
        assertThat(meters.find("http.server.requests").timers()).as("the GET went on to the dispatcher").hasSize(2);
    }

    private Timer timer(String status, String outcome) {
        return meters.get("http.server.requests").tag("method", "POST").tag("status", status).tag("outcome", outcome)
                .tag("uri", "/api/v1/dtables/{uuid}/rows/").tag("error", "none").tag("exception", "none").timer();
    }

    @Test
    void whatTheDispatcherMightAnswerDifferentlyGoesOnToIt() throws Exception {
        String rowsPath = "/api/v1/dtables/" + UUID + "/rows/";
        MockHttpServletRequest html = request("POST", rowsPath, "{}");
        html.addHeader("Accept", "text/html");
        MockHttpServletRequest text = request("POST", rowsPath, "{}");
        text.setContentType("text/plain");
        for (MockHttpServletRequest request : new MockHttpServletRequest[] {
                request("GET", rowsPath, ""),
                request("PATCH", rowsPath, "{}"),
                request("POST", "/api/v1/dtables/" + UUID + "/rows/row1AAAAAAAAAAAAAAAAAA/", "{}"),
                request("POST", "/api/v1/dtables/%30b6a/rows/", "{}"),
                request("POST", "/api/v1/dtables/" + UUID + ";x=1/rows/", "{}"),
                request("POST", "/api/v1/dtables//rows/", "{}"),
                request("POST", "/api/v1/dtables/" + UUID + "/append-rows/", "{}"),
                html, text}) {
            MockFilterChain chain = new MockFilterChain();
            filter.doFilter(request, new MockHttpServletResponse(), chain);
            assertThat(chain.getRequest()).as(request.getMethod() + " " + request.getRequestURI()).isSameAs(request);
        }
        verify(rows, never()).write(any(), any(), any(), any(), any());
    }

    private static MockHttpServletRequest request(String method, String uri, String body) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        request.setContentType("application/json");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
