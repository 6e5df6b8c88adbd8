-- Bases: one row per base. owner_node/owner_epoch/assign_rev are the ownership fence (SPEC §5):
-- a node loading a base bumps owner_epoch guarded by its assignment token (assign_rev), and every
-- append re-checks owner_epoch in its own transaction.
CREATE TABLE dtables (
    dtable_uuid      CHAR(36)     NOT NULL,
    owner_node       VARCHAR(128) NULL,
    owner_epoch      BIGINT       NOT NULL DEFAULT 0,
    assign_rev       BIGINT       NOT NULL DEFAULT 0,
    snapshot         LONGBLOB     NULL,
    snapshot_version BIGINT       NOT NULL DEFAULT 0,
    row_count        INT          NOT NULL DEFAULT 0,
    created_at       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    deleted          TINYINT(1)   NOT NULL DEFAULT 0,
    PRIMARY KEY (dtable_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Every acknowledged operation, at its version. The primary key makes a duplicate version impossible.
-- owner_epoch and node_id record who committed the row under which fence (audited by the fault suite).
CREATE TABLE operation_log (
    dtable_uuid CHAR(36)     NOT NULL,
    op_version  BIGINT       NOT NULL,
    op_time     BIGINT       NOT NULL,
    author      VARCHAR(255) NULL,
    app         VARCHAR(255) NULL,
    operation   LONGTEXT     NOT NULL,
    owner_epoch BIGINT       NOT NULL,
    node_id     VARCHAR(128) NOT NULL,
    PRIMARY KEY (dtable_uuid, op_version),
    KEY idx_operation_log_time (op_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
