package dtable.model;

import static dtable.model.Fixtures.allTypes;
import static dtable.model.Fixtures.cell;
import static dtable.model.Fixtures.insert;
import static dtable.model.Fixtures.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Per-type value rules, through insert_row on a table with a column of every type. */
class CellValuesTest {

    @ParameterizedTest(name = "{0} accepts {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Name   | 'text'                      | text
            Notes  | 'two words'                 | two words
            Amount | 12                          | 12
            Amount | -1.5                        | -1.5
            Amount | 1e3                         | 1000.0
            Done   | true                        | true
            Due    | '2024-02-29'                | 2024-02-29
            Due    | '2024-02-29 13:45'          | 2024-02-29 13:45
            Due    | '2024-02-29T13:45:59.5+02:00' | 2024-02-29T13:45:59.5+02:00
            Status | 'Closed'                    | <option Closed>
            Status | 's1'                        | s1
            Email  | 'a.b@example.com'           | a.b@example.com
            Site   | 'http://example.com'        | http://example.com
            Site   | 'HTTPS://example.com/a?b#c' | HTTPS://example.com/a?b#c
            Time   | 90                          | 90
            Time   | 1.25                        | 1.25
            Stars  | 0                           | 0
            Stars  | 3                           | 3
            """)
    void acceptsValidValues(String column, String json, String expected) {
        Base base = allTypes();
        String row = insert(base, "{'" + column + "':" + json + "}");
        Object stored = cell(base, row, column);
        if (expected.startsWith("<option ")) {
            Column c = Fixtures.table1(base).columnByName(column);
            assertThat(c.optionName((String) stored)).isEqualTo(expected.substring(8, expected.length() - 1));
        } else {
            assertThat(String.valueOf(stored)).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} refuses {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Name   | 5
            Name   | ['a']
            Notes  | true
            Amount | '5'
            Amount | {'n':5}
            Done   | 'true'
            Done   | 1
            Due    | '2024-02-30'
            Due    | '2023-02-29'
            Due    | '24-01-01'
            Due    | '2024-01-01T25:00'
            Due    | '2024-01-01T10:00+2'
            Due    | 20240101
            Status | 'Maybe'
            Status | ['Open']
            Tags   | 'red'
            Tags   | ['red','green']
            Tags   | [1]
            Email  | 'nobody'
            Email  | '@example.com'
            Email  | 'a@'
            Email  | 'a@b@c'
            Site   | 'ftp://example.com'
            Site   | 'example.com'
            Site   | 'http://'
            Time   | '1:30'
            Stars  | 4
            Stars  | -1
            Stars  | 2.5
            """)
    void refusesInvalidValues(String column, String json) {
        Base base = allTypes();
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_data':{'" + column + "':" + json + "}}", 400,
                "invalid_value");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ['blue','red','t2'] | t2,t1
            ['red','t1','blue','red','t2','t1'] | t1,t2
            ['red','blue','red','blue','red','blue','red','blue','red','blue','red','blue','red','blue','red','blue','t2','t1'] | t1,t2
            """)
    void multipleSelectStoresDistinctIdsInOrder(String tags, String expected) {
        Base base = allTypes();
        String row = insert(base, "{'Tags':" + tags + "}");
        assertThat(String.join(",", (String[]) cell(base, row, "Tags"))).isEqualTo(expected);
    }
}
