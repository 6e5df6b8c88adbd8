package dtable.monitor.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.EtcdKeys;
import dtable.core.config.EtcdSettings;
import dtable.core.config.MonitorConfig;
import dtable.core.etcd.EtcdClients;
import dtable.core.token.TokenService;
import dtable.monitor.ClusterMonitor;
import dtable.monitor.ClusterMonitorApplication;
import dtable.monitor.FakeNodes;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.Ports;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dashboard in headless Chromium (system chromium + chromedriver, driven by Selenium): paste the
 * token, see 256 coloured cells, drain a node through the API and watch its cells change colour live
 * (Server-Sent Events). Saves {@code target/dashboard.png} (see {@code dashboard.screenshot}). Skipped when Chromium is not installed.
 */
@Tag("integration")
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String KEY = "dashboard-test-private-key-0123456789";

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    @TempDir
    Path profile;

    @Test
    void showsTheBucketGridAndFollowsADrainLive() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)");
        EtcdKeys keys = new EtcdKeys("/dash-" + UUID.randomUUID().toString().substring(0, 8) + "/");
        int port = Ports.free();
        MonitorConfig config = new MonitorConfig(new dtable.core.config.MysqlSettings("127.0.0.1", 3306, "unused", "", "dtable_db"), port, KEY, Duration.ofSeconds(1), false, 0,
                new MonitorConfig.Cluster(new EtcdSettings(etcd.endpoints(), keys.namespace()), "mon-dash",
                        "http://127.0.0.1:" + port + "/", Duration.ofSeconds(3)));
        String token = new TokenService(KEY, Clock.systemUTC()).mintInternal(Duration.ofHours(1));
        try (Client client = EtcdClients.connect(etcd.endpoints());
             FakeNodes nodes = new FakeNodes(client, keys);
             ConfigurableApplicationContext app = ClusterMonitorApplication.run(config, new dtable.monitor.generation.InMemoryGenerationLedger())) {
            ClusterMonitor monitor = app.getBean(ClusterMonitor.class);
            for (String id : List.of("node-a", "node-b", "node-c")) {
                nodes.join(id, Duration.ofSeconds(10));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> monitor.leadership().isLeader()
                    && monitor.snapshot().nodes().size() == 3 && monitor.snapshot().assignment().size() == 256);
            post(port, "/rebalance/", token);

            ChromeDriver browser = browser();
            try {
                browser.get("http://127.0.0.1:" + port + "/");
                browser.findElement(By.id("token")).sendKeys(token);
                browser.findElement(By.id("connect")).click();
                await().atMost(Duration.ofSeconds(15)).until(() -> ownedCells(browser) == 256);
                assertThat(browser.findElements(By.cssSelector("#grid .cell"))).hasSize(256);
                assertThat(browser.findElements(By.cssSelector("#legend tbody tr"))).hasSize(3);

                String bucket = monitor.snapshot().bucketsOf("node-a").iterator().next().hex();
                WebElement cell = browser.findElement(By.id("cell-" + bucket));
                assertThat(cell.getAttribute("data-owner")).isEqualTo("node-a");
                String colourBefore = cell.getCssValue("background-color");

                post(port, "/api/v1/nodes/node-a/drain/", token);
                await().atMost(Duration.ofSeconds(10)).until(() -> !"node-a".equals(cell.getAttribute("data-owner")));
                await().atMost(Duration.ofSeconds(5)).until(() -> !cell.getCssValue("background-color").equals(colourBefore));
                assertThat(browser.findElement(By.cssSelector("#node-node-a td:nth-child(3)")).getText()).isEqualTo("0");
                await().atMost(Duration.ofSeconds(5)).until(() -> browser
                        .findElement(By.cssSelector("#moves tbody tr:first-child td:nth-child(4)")).getText()
                        .equals("owner_draining"));
                assertThat(browser.findElement(By.id("leader")).getText()).isEqualTo("mon-dash");

                Path screenshot = browser.getScreenshotAs(OutputType.FILE).toPath();
                // target/ by default, so a test run leaves the checkout clean; refresh the docs picture with
                // -Ddashboard.screenshot=../docs/dashboard.png
                Path target = Path.of(System.getProperty("dashboard.screenshot", "target/dashboard.png"));
                Files.createDirectories(target.toAbsolutePath().getParent());
                Files.copy(screenshot, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                browser.quit();
            }
        }
    }

    private ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static long ownedCells(ChromeDriver browser) {
        Object count = browser.executeScript(
                "return document.querySelectorAll('#grid .cell:not(.unassigned)').length;");
        return ((Number) count).longValue();
    }

    private static void post(int port, String path, String token) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Token " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
}
