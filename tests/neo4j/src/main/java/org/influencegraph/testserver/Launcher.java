package org.influencegraph.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community DBMS for the tests: Bolt on 127.0.0.1:PORT, auth disabled,
 * data under HOME, APOC core loaded from PLUGINS (when given) with {@code apoc.*} unrestricted.
 *
 * <p>Usage: {@code Launcher PORT HOME [PLUGINS]}. Prints {@code NEO4J READY bolt://127.0.0.1:PORT}
 * once Bolt accepts connections, then runs until SIGTERM/SIGINT or end of standard input, and shuts
 * the DBMS down cleanly either way.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher PORT HOME [PLUGINS]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();
        Path plugins = args.length > 2 ? Path.of(args[2]).toAbsolutePath() : null;
        Files.createDirectories(home);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                // Bolt waits 5 s twice on shutdown by default; tests stop and restart the server.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500));
        if (plugins != null && Files.isDirectory(plugins)) {
            builder.setConfig(GraphDatabaseSettings.plugin_dir, plugins);
        }

        DatabaseManagementService dbms = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-test-server-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(2).toMillis())) {
            System.err.println("NEO4J FAILED the default database did not become available");
            System.exit(1);
        }
        waitForBolt(port, Duration.ofMinutes(1));

        String version = db.executeTransactionally(
                "CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of(),
                result -> String.valueOf(result.next().get("v")));
        String apoc;
        try {
            apoc = db.executeTransactionally("RETURN apoc.version() AS v", Map.of(),
                    result -> String.valueOf(result.next().get("v")));
        } catch (RuntimeException e) {
            apoc = "none";
        }
        System.out.println("NEO4J READY bolt://" + HOST + ":" + port + " version=" + version + " apoc=" + apoc);
        System.out.flush();

        Thread stdinWatch = new Thread(() -> {
            drain(System.in);
            System.exit(0);
        }, "neo4j-test-server-stdin");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        stopped.await();
    }

    /** Block until a TCP connection to HOST:port succeeds, or fail after the timeout. */
    private static void waitForBolt(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    System.err.println("NEO4J FAILED Bolt does not accept connections on port " + port);
                    System.exit(1);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Read standard input until it ends (the parent closed it or died). */
    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // keep reading: only the end of input matters
            }
        } catch (IOException e) {
            // treat a broken stdin like its end
        }
    }
}
