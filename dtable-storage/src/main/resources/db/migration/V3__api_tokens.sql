-- API tokens (SPEC §9): one per base and app. Only the SHA-256 of a token is stored (hex); the token
-- itself is shown once, when it is created. A second token for the same app replaces the first, so
-- (dtable_uuid, app_name) is the key; token_hash is unique so that the exchange finds a token by its hash.
CREATE TABLE api_tokens (
    dtable_uuid CHAR(36)     NOT NULL,
    app_name    VARCHAR(255) NOT NULL,
    token_hash  CHAR(64)     NOT NULL,
    permission  VARCHAR(2)   NOT NULL,
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (dtable_uuid, app_name),
    UNIQUE KEY uk_api_tokens_hash (token_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
