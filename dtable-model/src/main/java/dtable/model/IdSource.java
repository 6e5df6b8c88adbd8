package dtable.model;

import java.util.Base64;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Who picks the ids and times an operation introduces. For a client's raw operation
 * ({@link #minting}) the server does: it takes a well-formed id the client proposed (SeaTable's
 * browser client proposes row ids and column keys) and otherwise draws one from the context's
 * generator; times are the context's {@code now}. For an operation read back from the log
 * ({@link #recorded}) everything must already be in the JSON, so replay is exact.
 */
abstract sealed class IdSource {

    private static final Pattern ROW_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern SHORT_ID = Pattern.compile("[A-Za-z0-9]{4}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();
    static final String FIRST_SHORT_ID = "0000";

    static IdSource minting(OperationContext context) {
        return new Minting(context);
    }

    static IdSource recorded() {
        return new Recorded();
    }

    /** Whether this source may invent values (raw operations) or only read them (logged operations). */
    abstract boolean mints();

    /** A row {@code _id}: given (well-formed, not taken) or new. */
    abstract String rowId(JsonNode given, Predicate<String> taken);

    /** A 4-character table id or column key: given, {@code "0000"} for the first one, or random. */
    abstract String shortId(JsonNode given, Predicate<String> taken, boolean first, String field);

    /** A select option id: given or a new 6-digit one, as SeaTable's. */
    abstract String optionId(JsonNode given, Predicate<String> taken);

    /** Epoch milliseconds to stamp on rows. */
    abstract long time(JsonNode given, String field);

    static String givenText(JsonNode given, String field) {
        if (given == null || given.isNull() || given.isMissingNode()) {
            return null;
        }
        if (!given.isString() || given.stringValue().isBlank()) {
            throw OperationException.invalidOperation(field + " must be a non-empty string");
        }
        return given.stringValue();
    }

    private static String checkFree(String id, Predicate<String> taken, String field) {
        if (taken.test(id)) {
            throw OperationException.invalidOperation(field + " \"" + id + "\" is already in use");
        }
        return id;
    }

    private static final class Minting extends IdSource {
        private final OperationContext context;

        Minting(OperationContext context) {
            this.context = context;
        }

        @Override
        boolean mints() {
            return true;
        }

        @Override
        String rowId(JsonNode given, Predicate<String> taken) {
            String proposed = givenText(given, "_id");
            if (proposed != null) {
                if (!ROW_ID.matcher(proposed).matches()) {
                    throw OperationException.invalidOperation("_id must be 22 URL-safe base64 characters");
                }
                return checkFree(proposed, taken, "_id");
            }
            byte[] bytes = new byte[16];
            String id;
            do {
                context.random().nextBytes(bytes);
                id = URL_SAFE.encodeToString(bytes);
            } while (taken.test(id));
            return id;
        }

        @Override
        String shortId(JsonNode given, Predicate<String> taken, boolean first, String field) {
            String proposed = givenText(given, field);
            if (proposed != null) {
                if (!SHORT_ID.matcher(proposed).matches()) {
                    throw OperationException.invalidOperation(field + " must be 4 letters or digits");
                }
                return checkFree(proposed, taken, field);
            }
            if (first && !taken.test(FIRST_SHORT_ID)) {
                return FIRST_SHORT_ID;
            }
            String id;
            do {
                char[] chars = new char[4];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = ALPHABET.charAt(context.random().nextInt(ALPHABET.length()));
                }
                id = new String(chars);
            } while (taken.test(id));
            return id;
        }

        @Override
        String optionId(JsonNode given, Predicate<String> taken) {
            String proposed = givenText(given, "option id");
            if (proposed != null) {
                return checkFree(proposed, taken, "option id");
            }
            String id;
            do {
                id = Integer.toString(100_000 + context.random().nextInt(900_000));
            } while (taken.test(id));
            return id;
        }

        @Override
        long time(JsonNode given, String field) {
            return context.now().toEpochMilli();
        }
    }

    private static final class Recorded extends IdSource {
        @Override
        boolean mints() {
            return false;
        }

        private static String required(JsonNode given, String field) {
            String value = givenText(given, field);
            if (value == null) {
                throw OperationException.invalidOperation("logged operation lacks " + field);
            }
            return value;
        }

        @Override
        String rowId(JsonNode given, Predicate<String> taken) {
            return checkFree(required(given, "_id"), taken, "_id");
        }

        @Override
        String shortId(JsonNode given, Predicate<String> taken, boolean first, String field) {
            return checkFree(required(given, field), taken, field);
        }

        @Override
        String optionId(JsonNode given, Predicate<String> taken) {
            return checkFree(required(given, "option id"), taken, "option id");
        }

        @Override
        long time(JsonNode given, String field) {
            String text = required(given, field);
            try {
                return Timestamps.parse(text);
            } catch (IllegalArgumentException e) {
                throw OperationException.invalidOperation(field + ": " + e.getMessage());
            }
        }
    }
}
