-- The cluster generation: the high part of every assignment token (SPEC §3, §5; cluster-core FencingToken).
-- One row, advanced only by the monitor leader in a compare-and-set UPDATE (generation = expected), before it
-- writes the new value to etcd's {prefix}generation. A new generation is taken whenever etcd comes back
-- without the key, with a lower one, or older than a claim MySQL has recorded (a restored snapshot).
CREATE TABLE cluster_generation (
    id         TINYINT      NOT NULL,
    generation BIGINT       NOT NULL,
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    CONSTRAINT cluster_generation_one_row CHECK (id = 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

INSERT INTO cluster_generation (id, generation) VALUES (1, 0);

-- dtables.assign_rev now holds the packed token (generation << 40 | etcd mod revision). The monitor reads
-- the highest claim (MAX(assign_rev)) to notice an etcd restored to before it; the index keeps that O(1).
CREATE INDEX idx_dtables_assign_rev ON dtables (assign_rev);
