package dtable.monitor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ClusterMonitorApplication {

    public static void main(String[] args) {
        SpringApplication.run(ClusterMonitorApplication.class, args);
    }
}
