package dtable.server.slave;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reads a dtable-server may hand to the slave (SPEC §11): the whole base ({@code /dtables/{uuid}},
 * {@code /api/v1/dtables/{uuid}/}), {@code .../rows/}, {@code .../rows/{row_id}/} and
 * {@code .../metadata/}, each with or without the trailing slash. Pure string matching.
 */
public final class ReadPaths {

    private static final Pattern READ = Pattern.compile(
            "^/dtables/([^/]+)/?$|^/api/v1/dtables/([^/]+)(?:/|/rows/?|/rows/[^/]+/?|/metadata/?)?$");

    private ReadPaths() {
    }

    /** The base UUID text of a forwardable read path (not yet validated), or empty for any other path. */
    public static Optional<String> baseOf(String requestUri) {
        if (requestUri == null) {
            return Optional.empty();
        }
        Matcher m = READ.matcher(requestUri);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) != null ? m.group(1) : m.group(2));
    }
}
