package dtable.model;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Draws raw operations that fit the current state of a base most of the time (existing tables,
 * columns and rows, values of the right type) and sometimes do not (unknown names, wrong values),
 * so that both the accepting and the refusing paths of every operation get exercised.
 */
final class RandomOperations {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ColumnType[] TYPES = ColumnType.values();

    private final Random random;
    private int counter;

    RandomOperations(Random random) {
        this.random = random;
    }

    JsonNode next(Base base) {
        int dice = random.nextInt(100);
        if (base.tables().isEmpty() || dice < 3) {
            return insertTable(base);
        }
        Table table = base.tables().get(random.nextInt(base.tables().size()));
        if (dice < 30) {
            return insertRow(table);
        }
        if (dice < 40) {
            return op("insert_rows", table).set("row_datas", oneToMany(4, () -> rowData(table)));
        }
        if (dice < 58) {
            ObjectNode op = op("modify_row", table);
            op.put("row_id", rowId(table));
            op.set("updated", rowData(table));
            return op;
        }
        if (dice < 65) {
            ObjectNode op = op("modify_rows", table);
            ObjectNode updated = op.putObject("updated");
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                updated.set(rowId(table), rowData(table));
            }
            return op;
        }
        if (dice < 71) {
            return op("delete_row", table).put("row_id", rowId(table));
        }
        if (dice < 75) {
            return op("delete_rows", table).set("row_ids", oneToMany(3, () -> NODES.stringNode(rowId(table))));
        }
        if (dice < 83) {
            ColumnType type = TYPES[random.nextInt(TYPES.length)];
            ObjectNode op = op("insert_column", table).put("column_name", "c" + random.nextInt(12))
                    .put("column_type", type.wireName());
            op.set("column_data", dataFor(type));
            return op;
        }
        if (dice < 86) {
            return withColumn(op("rename_column", table), table).put("new_column_name", "c" + random.nextInt(12));
        }
        if (dice < 89) {
            return withColumn(op("delete_column", table), table);
        }
        if (dice < 95) {
            ColumnType type = TYPES[random.nextInt(TYPES.length)];
            ObjectNode op = withColumn(op("modify_column_type", table), table).put("new_column_type", type.wireName());
            if (random.nextBoolean()) {
                op.set("new_column_data", dataFor(type));
            }
            return op;
        }
        if (dice < 98) {
            return op("rename_table", table).put("new_table_name", "t" + random.nextInt(5));
        }
        return op("delete_table", table);
    }

    /** An array of 1 to {@code max} items, drawn one after the other. */
    private ArrayNode oneToMany(int max, Supplier<JsonNode> item) {
        ArrayNode items = NODES.arrayNode();
        for (int i = 1 + random.nextInt(max); i > 0; i--) {
            items.add(item.get());
        }
        return items;
    }

    private JsonNode insertTable(Base base) {
        ObjectNode op = NODES.objectNode().put("op_type", "insert_table").put("table_name", "t" + random.nextInt(5));
        if (random.nextBoolean()) {
            ArrayNode columns = op.putArray("columns");
            columns.addObject().put("column_name", "Name").put("column_type", "text");
            ColumnType type = TYPES[random.nextInt(TYPES.length)];
            ObjectNode second = columns.addObject().put("column_name", "Second").put("column_type", type.wireName());
            second.set("column_data", dataFor(type));
        }
        return op;
    }

    private ObjectNode insertRow(Table table) {
        ObjectNode op = op("insert_row", table);
        if (table.rowCount() > 0 && random.nextBoolean()) {
            op.put("row_id", rowId(table));
            op.put("row_insert_position", random.nextBoolean() ? "insert_below" : "insert_above");
        }
        op.set("row_data", rowData(table));
        return op;
    }

    private ObjectNode op(String opType, Table table) {
        ObjectNode op = NODES.objectNode().put("op_type", opType);
        if (random.nextInt(20) == 0) {
            return op.put("table_name", "missing");
        }
        return random.nextBoolean() ? op.put("table_id", table.id()) : op.put("table_name", table.name());
    }

    private ObjectNode withColumn(ObjectNode op, Table table) {
        List<Column> columns = table.columns();
        if (columns.isEmpty() || random.nextInt(15) == 0) {
            return op.put("column_name", "missing");
        }
        Column column = columns.get(random.nextInt(columns.size()));
        return random.nextBoolean() ? op.put("column_key", column.key()) : op.put("column_name", column.name());
    }

    private String rowId(Table table) {
        if (table.rowCount() == 0 || random.nextInt(15) == 0) {
            return "missing-row";
        }
        return table.row(random.nextInt(table.rowCount())).id();
    }

    private ObjectNode rowData(Table table) {
        ObjectNode data = NODES.objectNode();
        for (Column column : table.columns()) {
            if (random.nextInt(3) == 0) {
                String field = random.nextBoolean() ? column.key() : column.name();
                data.set(field, random.nextInt(40) == 0 ? NODES.stringNode("wrong?") : value(column));
            }
        }
        if (random.nextInt(40) == 0) {
            data.put("no such column", 1);
        }
        return data;
    }

    private JsonNode value(Column column) {
        int n = counter++;
        if (random.nextInt(10) == 0) {
            return NODES.nullNode();
        }
        return switch (column.type()) {
            case TEXT, LONG_TEXT -> NODES.stringNode(random.nextBoolean() ? "v" + n : Integer.toString(random.nextInt(9)));
            case NUMBER -> random.nextBoolean() ? NODES.numberNode(random.nextInt(1000)) : NODES.numberNode(random.nextDouble());
            case DURATION -> NODES.numberNode(random.nextInt(100_000));
            case CHECKBOX -> NODES.booleanNode(random.nextBoolean());
            case DATE -> NODES.stringNode("2024-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10));
            case EMAIL -> NODES.stringNode("u" + n + "@example.com");
            case URL -> NODES.stringNode("https://example.com/" + n);
            case RATE -> NODES.numberNode(random.nextInt(7));
            case SINGLE_SELECT -> NODES.stringNode(optionRef(column));
            case LINK -> NODES.arrayNode(); // refused: links change only through add_link / remove_link
            case MULTIPLE_SELECT -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    array.add(optionRef(column));
                }
                yield array;
            }
        };
    }

    private String optionRef(Column column) {
        JsonNode options = column.data() == null ? null : column.data().get("options");
        if (options == null || options.isEmpty() || random.nextInt(20) == 0) {
            return "o" + random.nextInt(4);
        }
        JsonNode option = options.get(random.nextInt(options.size()));
        return random.nextBoolean() ? option.get("id").asString() : option.get("name").asString();
    }

    private JsonNode dataFor(ColumnType type) {
        if (type.isSelect()) {
            ObjectNode data = NODES.objectNode();
            ArrayNode options = data.putArray("options");
            for (int i = random.nextInt(4); i > 0; i--) {
                options.addObject().put("name", "o" + i);
            }
            return data;
        }
        if (type == ColumnType.RATE && random.nextBoolean()) {
            return NODES.objectNode().put("rate_max_number", 1 + random.nextInt(10));
        }
        return NODES.nullNode();
    }
}
