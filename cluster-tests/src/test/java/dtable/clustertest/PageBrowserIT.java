package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;

/**
 * The people's page at the proxy's {@code /} in headless Chromium (Debian's chromium + chromedriver,
 * driven by Selenium), against the whole dev cluster: two people on one base see each other's edits live
 * (within 1 s) with their names; a bucket move in the middle of their edits shows "reconnecting" and every
 * edit lands exactly once in the operation log; a read-only token gets a read-only grid; a refused edit is
 * shown and rolled back; an internal token lists and creates bases; a 100,000-row base opens and scrolls
 * (the figures are printed as {@code PAGE-BENCH} lines for docs/benchmarks.md). Saves {@code target/page.png}
 * ({@code -Dpage.screenshot=../docs/page.png} refreshes the docs picture). Skipped without Chromium.
 */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
class PageBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PAGE_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path profiles;

    private final List<ChromeDriver> browsers = new ArrayList<>();

    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)");
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(ChromeDriver::quit);
    }

    @Test
    void twoPeopleEditOneBaseLiveAndEveryEditLandsOnceAcrossABucketMove(ClusterApi api) throws Exception {
        DevCluster cluster = api.cluster();
        BaseUuid base = createBase(api, 3);
        ChromeDriver alice = openBase(cluster, base, "alice", Permission.READ_WRITE);
        ChromeDriver bob = openBase(cluster, base, "bob", Permission.READ_WRITE);
        assertThat(alice.findElement(By.id("node")).getText())
                .isEqualTo(api.serverInfo(base, null).json().path("node_id").asString());

        // A edits a cell through the grid; B shows it within 1 s, marked with A's name
        editCell(alice, 0, "Name", "hello from alice");
        long typed = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> "hello from alice".equals(cellText(bob, 0, "Name")));
        long latencyMs = (System.nanoTime() - typed) / 1_000_000;
        System.out.printf("PAGE-BENCH edit seen by the other page after %d ms%n", latencyMs);
        await().atMost(Duration.ofSeconds(5)).until(() -> bob.findElement(By.id("activity-list")).getText()
                .contains("alice edited a row in Tasks"));
        assertThat(bob.findElement(By.cssSelector("#grid .cell.flash .who")).getText()).isEqualTo("alice");

        // B adds a row through the grid and names it; A shows it
        bob.findElement(By.id("add-row")).click();
        editCell(bob, 3, "Name", "row from bob");
        await().atMost(Duration.ofSeconds(5)).until(() -> "row from bob".equals(cellText(alice, 3, "Name")));
        await().atMost(Duration.ofSeconds(5)).until(() -> alice.findElement(By.id("activity-list")).getText()
                .contains("bob added a row in Tasks"));
        assertThat(alice.findElement(By.id("transport")).getText()).isEqualTo("socket.io via proxy");

        // both keep editing while the base's bucket moves away and back
        String owner = api.serverInfo(base, null).json().path("node_id").asString();
        AtomicBoolean editing = new AtomicBoolean(true);
        AtomicInteger aliceEdits = new AtomicInteger();
        AtomicInteger bobEdits = new AtomicInteger();
        Thread aliceLoop = editLoop(alice, editing, aliceEdits, i -> i % 4 == 3
                ? "window.dtablePage.addRow({'0000': 'ra-" + i + "'})"
                : "window.dtablePage.setCell(0, 'Count', " + i + ")");
        Thread bobLoop = editLoop(bob, editing, bobEdits, i -> "window.dtablePage.setCell(1, 'Name', 'b-" + i + "')");
        Thread.sleep(1500);
        assertThat(api.drain(owner).status()).isEqualTo(200);
        await().atMost(PAGE_WAIT).until(() -> !owner.equals(api.serverInfo(base, null).json().path("node_id").asString()));
        await().atMost(PAGE_WAIT).until(() -> !owner.equals(alice.findElement(By.id("node")).getText())
                && "live".equals(state(alice)) && "live".equals(state(bob)));
        Thread.sleep(1500);
        assertThat(api.undrain(owner).status()).isEqualTo(200);
        assertThat(api.rebalance(cluster.monitorUrl()).status()).isEqualTo(200);
        Thread.sleep(2500);
        editing.set(false);
        aliceLoop.join();
        bobLoop.join();
        screenshot(bob);
        for (ChromeDriver page : List.of(alice, bob)) {
            await().atMost(PAGE_WAIT).until(() -> "live".equals(state(page)) && pending(page) == 0);
            assertThat(number(page, "return window.dtablePage.session().stats.reconnects")).as("the page reconnected").isPositive();
        }
        System.out.printf("PAGE-BENCH move: alice %d edits, bob %d edits, alice stats %s, bob stats %s%n",
                aliceEdits.get(), bobEdits.get(), alice.executeScript("return JSON.stringify(window.dtablePage.session().stats)"),
                bob.executeScript("return JSON.stringify(window.dtablePage.session().stats)"));

        // exactly once: every value either page wrote is in the operation log once, by its author
        JsonNode log = api.call("GET", cluster.proxyUrl() + "api/v1/dtables/" + base.value() + "/operations/?from_version=0&limit=10000",
                cluster.internalToken(), null, Duration.ofSeconds(30)).json().path("operations");
        for (int i = 0; i < aliceEdits.get(); i++) {
            String value = i % 4 == 3 ? "ra-" + i : String.valueOf(i);
            String field = i % 4 == 3 ? "row_data" : "updated";
            String key = i % 4 == 3 ? "0000" : "0001";
            assertThat(count(log, "alice", field, key, value)).as("alice's edit %d (%s)", i, value).isEqualTo(1);
        }
        for (int i = 0; i < bobEdits.get(); i++) {
            assertThat(count(log, "bob", "updated", "0000", "b-" + i)).as("bob's edit %d", i).isEqualTo(1);
        }
        // and both pages hold exactly what the node holds
        JsonNode stored = api.call("GET", cluster.proxyUrl() + "dtables/" + base.value(), cluster.internalToken(), null,
                Duration.ofSeconds(30)).json();
        String expected = rowsOf(stored.path("tables").get(0).path("rows"));
        for (ChromeDriver page : List.of(alice, bob)) {
            assertThat(page.executeScript("return window.dtablePage.session().model.version")).asString()
                    .isEqualTo(stored.path("version").asString());
            assertThat(pageRows(page)).isEqualTo(expected);
        }
    }

    @Test
    void theNodesOwnWebSocketWorksAsTheOtherChannel(ClusterApi api) {
        DevCluster cluster = api.cluster();
        BaseUuid base = createBase(api, 2);
        ChromeDriver frank = openBase(cluster, base, "frank", Permission.READ_WRITE, "websocket");
        ChromeDriver gina = openBase(cluster, base, "gina", Permission.READ_WRITE, "websocket");
        assertThat(frank.findElement(By.id("transport")).getText()).isEqualTo("WebSocket to the node");
        editCell(frank, 1, "Name", "over the node's socket");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> "over the node's socket".equals(cellText(gina, 1, "Name")));
        assertThat(gina.findElement(By.id("activity-list")).getText()).contains("frank edited a row in Tasks");
        assertThat(version(api, base)).isEqualTo(1);
    }

    @Test
    void aReadOnlyPageRefusesEditsAndARefusedEditIsShownAndRolledBack(ClusterApi api) {
        DevCluster cluster = api.cluster();
        BaseUuid base = createBase(api, 3);
        ChromeDriver carol = openBase(cluster, base, "carol", Permission.READ);
        assertThat(carol.findElement(By.id("permission")).getText()).isEqualTo("(read-only)");
        assertThat(carol.findElement(By.id("add-row")).isDisplayed()).isFalse();
        new Actions(carol).doubleClick(cell(carol, 0, "Name")).perform();
        assertThat(carol.findElements(By.cssSelector(".editor"))).isEmpty();
        assertThat(carol.findElement(By.id("message")).getText()).contains("read-only");
        assertThat(carol.executeScript("return window.dtablePage.setCell(0, 'Name', 'sneaky')")).isEqualTo(false);
        assertThat(cellText(carol, 0, "Name")).isEqualTo("row 0");

        ChromeDriver dave = openBase(cluster, base, "dave", Permission.READ_WRITE);
        long before = version(api, base);
        editCell(dave, 2, "Count", "abc");                     // not a number: the node refuses it
        await().atMost(PAGE_WAIT).until(() -> dave.findElement(By.id("message")).getText().contains("invalid_value"));
        assertThat(dave.findElement(By.id("message")).getText()).contains("undone");
        await().atMost(Duration.ofSeconds(5)).until(() -> "2".equals(cellText(dave, 2, "Count")) && pending(dave) == 0);
        assertThat(version(api, base)).isEqualTo(before);
        assertThat(cellText(carol, 2, "Count")).isEqualTo("2");
    }

    @Test
    void anInternalTokenListsAndCreatesBases(ClusterApi api) {
        DevCluster cluster = api.cluster();
        BaseUuid existing = createBase(api, 1);
        ChromeDriver page = browser();
        page.get(cluster.proxyUrl());
        page.findElement(By.id("token")).sendKeys(cluster.internalToken());
        page.findElement(By.id("signin-button")).click();
        await().atMost(PAGE_WAIT).until(() -> page.findElement(By.id("base-list")).getText().contains(existing.value()));
        page.findElement(By.id("create-base")).click();
        await().atMost(PAGE_WAIT).until(() -> "live".equals(state(page)));
        String created = page.findElement(By.id("base-title")).getText();
        assertThat(api.call("GET", cluster.proxyUrl() + "api/v1/dtables/" + created + "/", cluster.internalToken(), null,
                Duration.ofSeconds(10)).status()).isEqualTo(200);
        assertThat(page.findElement(By.cssSelector("#tabs button.active")).getText()).isEqualTo("Table1");
        assertThat(page.findElement(By.id("user")).getText()).isEqualTo("internal");
    }

    @Test
    void aHundredThousandRowBaseOpensAndScrolls(ClusterApi api) {
        DevCluster cluster = api.cluster();
        int rows = 100_000;
        BaseUuid base = createBase(api, rows);
        ChromeDriver page = browser();
        page.get(cluster.proxyUrl() + "#dtable=" + base.value() + "&token="
                + cluster.baseToken(base, "erin", Permission.READ_WRITE));
        await().atMost(Duration.ofSeconds(60)).until(() -> "live".equals(state(page)) && cellText(page, 0, "Name") != null);
        double firstRows = ((Number) page.executeScript("return window.dtablePage.metrics.firstRowsMs")).doubleValue();
        double load = ((Number) page.executeScript("return window.dtablePage.metrics.loadMillis")).doubleValue();
        assertThat(page.findElement(By.id("rowcount")).getText()).isEqualTo("100,000 rows");

        @SuppressWarnings("unchecked")
        Map<String, Object> bench = (Map<String, Object>) page.executeAsyncScript(
                "window.dtablePage.scrollBenchmark(300, 97).then(arguments[arguments.length - 1])");
        List<Double> frames = doubles(bench.get("frames"));
        List<Double> renders = doubles(bench.get("renders"));
        assertThat(((Number) bench.get("domRows")).intValue()).as("rows in the DOM").isLessThan(120);
        page.executeScript("const g = document.getElementById('grid'); g.scrollTop = g.scrollHeight;");
        await().atMost(Duration.ofSeconds(5)).until(() -> ("row " + (rows - 1)).equals(cellText(page, rows - 1, "Name")));
        System.out.printf("PAGE-BENCH %d rows: first rows at %.0f ms after navigation (base fetch + parse %.0f ms);"
                + " scrolling %d frames: frame interval mean %.1f ms, p95 %.1f ms, max %.1f ms;"
                + " row rendering mean %.2f ms, p95 %.2f ms, max %.2f ms (%d renders)%n", rows, firstRows, load,
                frames.size(), mean(frames), percentile(frames, 95), percentile(frames, 100), mean(renders),
                percentile(renders, 95), percentile(renders, 100), renders.size());
        assertThat(firstRows).as("time to the first rows, ms").isLessThan(60_000);
        // the suite's other classes share this cluster: do not leave 100,000 rows in a node's memory
        assertThat(api.call("DELETE", cluster.proxyUrl() + "api/v1/dtables/" + base.value() + "/", cluster.internalToken(),
                null, Duration.ofSeconds(30)).status()).isEqualTo(200);
    }

    // ---- the cluster ---------------------------------------------------------------------------------

    /** A base with one table "Tasks": Name (text), Count (number), Done (checkbox), Due (date), Status (single select). */
    private static BaseUuid createBase(ClusterApi api, int rows) {
        BaseUuid base = BaseUuid.parse(UUID.randomUUID().toString());
        StringBuilder doc = new StringBuilder(rows * 110 + 1000).append("{\"version\":0,\"format_version\":1,\"tables\":[{")
                .append("\"_id\":\"0000\",\"name\":\"Tasks\",\"columns\":[")
                .append("{\"key\":\"0000\",\"name\":\"Name\",\"type\":\"text\"},")
                .append("{\"key\":\"0001\",\"name\":\"Count\",\"type\":\"number\"},")
                .append("{\"key\":\"0002\",\"name\":\"Done\",\"type\":\"checkbox\"},")
                .append("{\"key\":\"0003\",\"name\":\"Due\",\"type\":\"date\"},")
                .append("{\"key\":\"0004\",\"name\":\"Status\",\"type\":\"single-select\",\"data\":{\"options\":[")
                .append("{\"id\":\"op01\",\"name\":\"open\",\"color\":\"#FFD9C8\"},{\"id\":\"op02\",\"name\":\"done\",\"color\":\"#CDFFD7\"}]}}],")
                .append("\"rows\":[");
        byte[] id = new byte[16];
        for (int i = 0; i < rows; i++) {
            ThreadLocalRandom.current().nextBytes(id);
            doc.append(i == 0 ? "" : ",").append("{\"_id\":\"").append(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
                    .append("\",\"0000\":\"row ").append(i).append("\",\"0001\":").append(i)
                    .append(",\"0002\":").append(i % 2 == 0).append(",\"0003\":\"2024-05-").append(String.format("%02d", i % 28 + 1))
                    .append("\",\"0004\":\"op0").append(i % 2 + 1).append("\"}");
        }
        doc.append("]}]}");
        DevCluster cluster = api.cluster();
        ClusterApi.Answer created = api.call("PUT", cluster.proxyUrl() + "api/v1/dtables/" + base.value() + "/",
                cluster.internalToken(), doc.toString(), Duration.ofSeconds(120));
        assertThat(created.status()).as("create: %s", created).isEqualTo(201);
        return base;
    }

    private static long version(ClusterApi api, BaseUuid base) {
        return api.call("GET", api.cluster().proxyUrl() + "dtables/" + base.value(), api.cluster().internalToken(), null,
                Duration.ofSeconds(10)).json().path("version").asLong();
    }

    /** Operations by {@code author} whose {@code field} ({@code updated} or {@code row_data}) sets {@code key} to {@code value}. */
    private static int count(JsonNode log, String author, String field, String key, String value) {
        int n = 0;
        for (JsonNode entry : log) {
            JsonNode cell = entry.path("operation").path(field).path(key);
            if (author.equals(entry.path("author").asString()) && !cell.isMissingNode() && value.equals(cell.asString())) {
                n++;
            }
        }
        return n;
    }

    private static String rowsOf(JsonNode rows) {
        StringBuilder out = new StringBuilder();
        for (JsonNode row : rows) {
            out.append(row.path("_id").asString()).append('|').append(row.path("0000").asString()).append('|')
                    .append(row.path("0001").asString()).append('\n');
        }
        return out.toString();
    }

    private static String pageRows(ChromeDriver page) {
        return (String) page.executeScript("return window.dtablePage.table().rows.map(r => r._id + '|' + (r['0000'] ?? '')"
                + " + '|' + (r['0001'] === undefined ? '' : String(r['0001']))).join('\\n') + '\\n'");
    }

    // ---- the browser ---------------------------------------------------------------------------------

    private ChromeDriver openBase(DevCluster cluster, BaseUuid base, String user, Permission permission) {
        return openBase(cluster, base, user, permission, null);
    }

    /** Opens the direct link dtable-web would hand out; {@code transport} "websocket" picks the node's own socket. */
    private ChromeDriver openBase(DevCluster cluster, BaseUuid base, String user, Permission permission, String transport) {
        ChromeDriver page = browser();
        page.get(cluster.proxyUrl() + "#dtable=" + base.value() + "&token=" + cluster.baseToken(base, user, permission)
                + (transport == null ? "" : "&transport=" + transport));
        await().atMost(PAGE_WAIT).until(() -> "live".equals(state(page)) && cellText(page, 0, "Name") != null);
        assertThat(page.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("token=");
        return page;
    }

    private ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,900", "--user-data-dir=" + profiles.resolve("p" + browsers.size()).toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        browsers.add(driver);
        return driver;
    }

    private static Thread editLoop(ChromeDriver page, AtomicBoolean running, AtomicInteger done,
            java.util.function.IntFunction<String> script) {
        Thread thread = new Thread(() -> {
            while (running.get()) {
                int i = done.get();
                Object accepted = page.executeScript("return " + script.apply(i));
                assertThat(accepted).as("edit %d accepted by the page", i).isNotIn(false, null);
                done.incrementAndGet();
                try {
                    Thread.sleep(120);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "page-edits");
        thread.start();
        return thread;
    }

    private static WebElement cell(ChromeDriver page, int row, String column) {
        String key = (String) page.executeScript(
                "return window.dtablePage.table().columns.find(c => c.name === arguments[0]).key", column);
        page.executeScript("const g = document.getElementById('grid'); const top = arguments[0] * 32;"
                + " if (top < g.scrollTop || top > g.scrollTop + g.clientHeight - 80) { g.scrollTop = Math.max(0, top - 64); }", row);
        await().atMost(Duration.ofSeconds(5)).until(() -> !page.findElements(
                By.cssSelector("#grid .row[data-index='" + row + "'] .cell[data-key='" + key + "']")).isEmpty());
        return page.findElement(By.cssSelector("#grid .row[data-index='" + row + "'] .cell[data-key='" + key + "']"));
    }

    /** Double-clicks a cell, types into its editor and presses Enter, as a person would. */
    private static void editCell(ChromeDriver page, int row, String column, String text) {
        new Actions(page).doubleClick(cell(page, row, column)).perform();
        WebElement editor = page.findElement(By.cssSelector(".editor"));
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), text, Keys.ENTER);
    }

    /** The text a cell shows (without the name badge of whoever changed it), or null when the row is not rendered. */
    private static String cellText(ChromeDriver page, int row, String column) {
        return (String) page.executeScript("const t = window.dtablePage.table(); if (!t) return null;"
                + " const c = t.columns.find(c => c.name === arguments[1]);"
                + " const cell = document.querySelector(\"#grid .row[data-index='\" + arguments[0] + \"'] .cell[data-key='\" + c.key + \"']\");"
                + " if (!cell) return null;"
                + " return [...cell.childNodes].filter(n => !(n.classList && n.classList.contains('who'))).map(n => n.textContent).join('');",
                row, column);
    }

    private static String state(ChromeDriver page) {
        return (String) page.executeScript("const s = window.dtablePage && window.dtablePage.session(); return s ? s.state : null");
    }

    private static long pending(ChromeDriver page) {
        return number(page, "return window.dtablePage.session().pending.length");
    }

    private static long number(ChromeDriver page, String script) {
        return ((Number) page.executeScript(script)).longValue();
    }

    private static void screenshot(ChromeDriver page) throws Exception {
        Path shot = page.getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of(System.getProperty("page.screenshot", "target/page.png"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<Double> doubles(Object list) {
        List<Double> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add(((Number) o).doubleValue());
        }
        return out;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
