package dtable.model;

import java.io.InputStream;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a base JSON document into a {@link Base} without ever holding it as a tree (only column
 * definitions are read as small trees). Rows become {@link Row}s as they are parsed; every cell is
 * checked with the same rules as operations ({@link CellValues#normalize}). Short strings that
 * repeat (dates, select ids, tags) are shared to keep a million-row base small.
 *
 * <p>Rows normally follow the columns (this model writes them so); if a document lists rows first,
 * they are buffered as trees until the columns are known.
 */
final class BaseReader {

    private final JsonParser p;
    private final StringCache strings = new StringCache();

    private BaseReader(JsonParser parser) {
        this.p = parser;
    }

    static Base read(InputStream in) {
        try (JsonParser parser = Json.MAPPER.createParser(in)) {
            return new BaseReader(parser).readDocument();
        } catch (JacksonException e) {
            throw new ModelException("malformed base JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at " + e.getLocation().offsetDescription()), e);
        }
    }

    private Base readDocument() {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new ModelException("a base must be a JSON object");
        }
        long version = 0;
        long formatVersion = Base.FORMAT_VERSION;
        List<Table> tables = new ArrayList<>();
        Links links = new Links();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "version" -> version = integer(value, "version");
                case "format_version" -> formatVersion = integer(value, "format_version");
                case "tables" -> readTables(value, tables);
                case "links" -> links = Links.fromJson(p.readValueAsTree());
                default -> p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new ModelException("unexpected content after the base JSON object");
        }
        if (version < 0 || formatVersion < 0 || formatVersion > Integer.MAX_VALUE) {
            throw new ModelException("version and format_version must be non-negative");
        }
        Base base = new Base(version, (int) formatVersion);
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Table table : tables) {
            if (!ids.add(table.id()) || !names.add(table.name())) {
                throw new ModelException("two tables share the _id \"" + table.id() + "\" or the name \""
                        + table.name() + "\"");
            }
            base.addTable(table);
        }
        for (Links.Link link : links.all()) {
            if (!ids.contains(link.table1Id) || !ids.contains(link.table2Id)) {
                throw new ModelException("link \"" + link.id + "\" names a table the base does not have");
            }
        }
        for (Table table : tables) {
            for (Column column : table.columns()) {
                if (column.type() == ColumnType.LINK && (column.data() == null
                        || !column.data().path("link_id").isString() || !column.data().path("table_id").isString()
                        || !column.data().path("other_table_id").isString())) {
                    // the link entry itself may be gone (its other table was deleted): the column then shows nothing
                    throw new ModelException("link column \"" + column.name() + "\" of table \"" + table.name()
                            + "\" needs data with link_id, table_id and other_table_id");
                }
            }
        }
        base.setLinks(links);
        return base;
    }

    private long integer(JsonToken token, String field) {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new ModelException(field + " must be an integer");
        }
        return p.getLongValue();
    }

    private void readTables(JsonToken token, List<Table> tables) {
        if (token != JsonToken.START_ARRAY) {
            throw new ModelException("tables must be an array");
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            tables.add(readTable(tables.size()));
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new ModelException("each table must be a JSON object");
        }
    }

    /** A table's {@code views}: objects with a string {@code _id}, unique; kept as given. */
    private List<ObjectNode> readViews(JsonToken value, String where) {
        if (value == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw new ModelException(where + ": views must be an array");
        }
        List<ObjectNode> views = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonNode view = p.readValueAsTree();
            if (!(view instanceof ObjectNode object) || !view.path("_id").isString()
                    || !ids.add(view.path("_id").asString())) {
                throw new ModelException(where + ": each view must be an object with a unique string _id");
            }
            views.add(object);
        }
        return views;
    }

    private Table readTable(int index) {
        String id = null;
        String name = null;
        List<Column> columns = null;
        List<Row> rows = new ArrayList<>();
        List<JsonNode> bufferedRows = null;
        List<ObjectNode> views = List.of();
        String where = "table #" + index;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "_id" -> id = string(value, where + " _id");
                case "name" -> name = string(value, where + " name");
                case "columns" -> columns = readColumns(value, where);
                case "views" -> views = readViews(value, where);
                case "rows" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new ModelException(where + ": rows must be an array");
                    }
                    if (columns == null) {
                        bufferedRows = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            bufferedRows.add(p.readValueAsTree());
                        }
                    } else {
                        readRows(columns, rows, where);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (id == null || name == null) {
            throw new ModelException(where + " lacks _id or name");
        }
        where = "table \"" + name + "\"";
        if (columns == null) {
            columns = List.of();
        }
        if (bufferedRows != null) {
            for (JsonNode row : bufferedRows) {
                try (JsonParser rowParser = Json.MAPPER.treeAsTokens(row)) {
                    rowParser.nextToken();
                    new BaseReader(rowParser).readRowsFrom(columns, rows, where);
                }
            }
        }
        Table table = new Table(id, name, rows.size());
        columns.forEach(table::addColumn);
        table.setViews(views);
        for (Row row : rows) {
            if (!table.appendRowIfNew(row)) {
                throw new ModelException(where + ": two rows share the _id \"" + row.id() + "\"");
            }
        }
        return table;
    }

    private String string(JsonToken token, String what) {
        if (token != JsonToken.VALUE_STRING || p.getString().isEmpty()) {
            throw new ModelException(what + " must be a non-empty string");
        }
        return p.getString();
    }

    private List<Column> readColumns(JsonToken token, String where) {
        if (token != JsonToken.START_ARRAY) {
            throw new ModelException(where + ": columns must be an array");
        }
        List<Column> columns = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonNode json = p.readValueAsTree();
            Column column = column(json, columns.size(), where);
            if (!keys.add(column.key()) || !names.add(column.name())) {
                throw new ModelException(where + ": two columns share the key \"" + column.key()
                        + "\" or the name \"" + column.name() + "\"");
            }
            columns.add(column);
        }
        return columns;
    }

    private static Column column(JsonNode json, int slot, String where) {
        if (!json.isObject() || !json.path("key").isString() || !json.path("name").isString()
                || !json.path("type").isString()) {
            throw new ModelException(where + ": column #" + slot + " needs string key, name and type");
        }
        String name = json.get("name").stringValue();
        ColumnType type = ColumnType.fromWireName(json.get("type").stringValue());
        if (type == null) {
            throw new ModelException(where + ": column \"" + name + "\" has the unsupported type \""
                    + json.get("type").stringValue() + "\"");
        }
        try {
            return new Column(json.get("key").stringValue(), name, type,
                    ColumnData.normalize(type, json.get("data"), IdSource.recorded()), slot);
        } catch (OperationException e) {
            throw new ModelException(where + ": column \"" + name + "\": " + e.getMessage(), e);
        }
    }

    private void readRows(List<Column> columns, List<Row> rows, String where) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
            readRowsFrom(columns, rows, where);
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new ModelException(where + ": each row must be a JSON object");
        }
    }

    /** Reads the row object whose START_OBJECT is the current token and appends it to {@code rows}. */
    private void readRowsFrom(List<Column> columns, List<Row> rows, String where) {
        Map<String, Column> byKey = columnsByKey(columns);
        String id = null;
        long ctime = 0;
        long mtime = 0;
        Object[] cells = new Object[columns.size()];
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            Column column = byKey.get(field);
            if (column != null) {
                Object plain = cell(token, where, rows.size());
                if (plain != null) {
                    cells[column.slot()] = normalize(column, plain, where, rows.size());
                }
            } else if (field.equals("_id")) {
                id = string(token, where + " row #" + rows.size() + " _id");
            } else if (field.equals("_ctime") || field.equals("_mtime")) {
                long time = time(token, where, rows.size());
                if (field.equals("_ctime")) {
                    ctime = time;
                } else {
                    mtime = time;
                }
            } else if (field.startsWith("_")) {
                p.skipChildren();
            } else {
                throw new ModelException(where + " row #" + rows.size() + " has a value for the unknown column key \""
                        + field + "\"");
            }
        }
        if (id == null) {
            throw new ModelException(where + " row #" + rows.size() + " lacks _id");
        }
        rows.add(new Row(id, ctime, mtime, cells));
    }

    private Map<String, Column> lastByKey;
    private List<Column> lastColumns;

    private Map<String, Column> columnsByKey(List<Column> columns) {
        if (columns != lastColumns) {
            lastByKey = new HashMap<>();
            for (Column column : columns) {
                lastByKey.put(column.key(), column);
            }
            lastColumns = columns;
        }
        return lastByKey;
    }

    private long time(JsonToken token, String where, int rowIndex) {
        if (token == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new ModelException(where + " row #" + rowIndex + ": _ctime/_mtime must be strings");
        }
        try {
            return Timestamps.parse(CharBuffer.wrap(p.getStringCharacters(), p.getStringOffset(), p.getStringLength()));
        } catch (IllegalArgumentException e) {
            throw new ModelException(where + " row #" + rowIndex + ": " + e.getMessage());
        }
    }

    private Object cell(JsonToken token, String where, int rowIndex) {
        return switch (token) {
            case VALUE_STRING -> strings.share(p);
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (Object) p.getDoubleValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_ARRAY -> {
                List<String> items = new ArrayList<>();
                while (p.nextToken() == JsonToken.VALUE_STRING) {
                    items.add(strings.share(p));
                }
                if (p.currentToken() != JsonToken.END_ARRAY) {
                    throw new ModelException(where + " row #" + rowIndex + ": arrays may hold only strings");
                }
                yield items.toArray(String[]::new);
            }
            default -> throw new ModelException(where + " row #" + rowIndex + ": objects are not cell values");
        };
    }

    private static Object normalize(Column column, Object plain, String where, int rowIndex) {
        try {
            return CellValues.normalize(column, plain);
        } catch (CellValues.InvalidCell e) {
            throw new ModelException(where + " row #" + rowIndex + ": " + e.getMessage());
        }
    }

    /**
     * Shares equal short strings among cells (a lossy hash-indexed cache: a collision just replaces
     * the entry). Dates and repeated texts then cost one String each instead of one per cell, and a
     * hit is found in the parser's character buffer before any String is made.
     */
    private static final class StringCache {
        private static final int MAX_LENGTH = 40;
        private final String[] entries = new String[8192];

        /** The current VALUE_STRING token of {@code p}, shared when short. */
        String share(JsonParser p) {
            int length = p.getStringLength();
            if (length > MAX_LENGTH) {
                return p.getString();
            }
            char[] chars = p.getStringCharacters();
            int offset = p.getStringOffset();
            int hash = 0;
            for (int i = offset; i < offset + length; i++) {
                hash = 31 * hash + chars[i];
            }
            int index = (hash * 0x9E3779B9) >>> 19;
            String entry = entries[index];
            if (entry != null && equal(entry, chars, offset, length)) {
                return entry;
            }
            String s = new String(chars, offset, length);
            entries[index] = s;
            return s;
        }

        private static boolean equal(String entry, char[] chars, int offset, int length) {
            if (entry.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (entry.charAt(i) != chars[offset + i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
