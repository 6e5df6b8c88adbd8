package dtable.server;

import dtable.core.config.MysqlSettings;
import dtable.core.config.ServerConfig;
import dtable.storage.DatabaseWait;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot runs the Flyway migrations before anything else touches MySQL; this makes that step wait
 * until MySQL can be reached (logging while it waits) instead of failing the start, so a node may start
 * before its database (docker-compose and Kubernetes give no start order).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseStartup {

    @Bean
    FlywayMigrationStrategy waitForDatabaseThenMigrate(ServerConfig config) {
        MysqlSettings mysql = config.mysql();
        String where = mysql.database() + " at " + mysql.host() + ":" + mysql.port();
        return flyway -> {
            DatabaseWait.awaitDatabase(flyway.getConfiguration().getDataSource(), where);
            flyway.migrate();
        };
    }
}
