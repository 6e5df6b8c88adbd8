package dtable.core.config;

import dtable.core.cluster.EtcdKeys;
import java.util.List;

/**
 * How a service reaches etcd: {@code cluster_config.etcd_host_list} and {@code cluster_config.etcd_prefix}.
 *
 * @param hostList the configured entries, {@code host:port} (SeaTable's form) or full URLs
 * @param prefix   the key namespace, ending with {@code /}
 */
public record EtcdSettings(List<String> hostList, String prefix) {

    public static final String HOST_LIST_KEY = "cluster_config.etcd_host_list";
    public static final String PREFIX_KEY = "cluster_config.etcd_prefix";

    public EtcdSettings {
        hostList = List.copyOf(hostList);
        prefix = new EtcdKeys(prefix).namespace();
    }

    /** The endpoints in the form jetcd's {@code Client.builder().endpoints(...)} takes: {@code http://host:port}. */
    public List<String> endpoints() {
        return hostList.stream()
                .map(host -> host.startsWith("http://") || host.startsWith("https://") ? host : "http://" + host)
                .toList();
    }

    /** The key layout under {@link #prefix}. */
    public EtcdKeys keys() {
        return new EtcdKeys(prefix);
    }

    static EtcdSettings read(ConfigFile file) {
        List<String> hosts = file.requiredHostList(HOST_LIST_KEY);
        String prefix = file.string(PREFIX_KEY, EtcdKeys.DEFAULT_NAMESPACE).trim();
        if (!prefix.startsWith("/")) {
            throw file.invalid(PREFIX_KEY, "must start with '/', got \"" + prefix + "\"");
        }
        return new EtcdSettings(hosts, prefix);
    }
}
