package dtable.model;

import tools.jackson.databind.node.ObjectNode;

/**
 * The result of validating an operation: its normalised JSON and the mutation that carries it out.
 * The mutation was built against the state it was validated on and must run, if at all, right away
 * and on that state; it never throws.
 */
record PreparedChange(ObjectNode json, Runnable mutation) {

    String opType() {
        return json.get("op_type").stringValue();
    }
}
