package dev.basalt.spin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The RESP client against a fake server that answers every command with one canned reply: hostile or broken
 * replies are {@link RedisException}s (never an OutOfMemoryError or StackOverflowError) and close the connection;
 * an error reply leaves it usable.
 */
class RedisClientTest {
    private static void withServer(String reply, Consumer<RedisClient> client) throws Exception {
        withServer(reply, false, client);
    }

    /** As above; {@code hangUp}: the server closes the connection after its first reply. */
    private static void withServer(String reply, boolean hangUp, Consumer<RedisClient> client) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[4096];
                    while (in.read(buf) > 0) {
                        s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                        if (hangUp) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    // the client closed the connection
                }
            });
            try (RedisClient c = RedisClient.connect(RedisAddress.parse("redis://127.0.0.1:" + server.getLocalPort()),
                    1024)) {
                client.accept(c);
            }
            serving.join();
        }
    }

    @Test
    void repliesOfEveryType() throws Exception {
        withServer("*4\r\n+OK\r\n:-7\r\n$0\r\n\r\n$-1\r\n", c -> {
            RedisClient.Reply.Array a = (RedisClient.Reply.Array) c.command("X");
            assertThat(a.elements()).hasSize(4);
            assertThat(a.elements().get(0)).isEqualTo(new RedisClient.Reply.Status("OK"));
            assertThat(a.elements().get(1)).isEqualTo(new RedisClient.Reply.Int(-7));
            assertThat(((RedisClient.Reply.Bulk) a.elements().get(2)).value()).isEmpty();
            assertThat(a.elements().get(3)).isEqualTo(new RedisClient.Reply.Nil());
        });
    }

    @Test
    void anErrorReplyKeepsTheConnection() throws Exception {
        withServer("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", c -> {
            assertThatThrownBy(() -> c.command("GET", "k")).isInstanceOfSatisfying(RedisException.ErrorReply.class,
                    e -> assertThat(e.typeError()).isTrue());
            assertThat(c.isOpen()).isTrue();
        });
    }

    @Test
    void aClaimedHugeBulkStringIsRefusedBeforeReading() throws Exception {
        withServer("$2000000000\r\nabc", c -> {
            assertThatThrownBy(() -> c.command("GET", "k")).isInstanceOf(RedisException.class)
                    .hasMessage("the reply is larger than 1024 bytes");
            assertThat(c.isOpen()).as("its stream position is lost").isFalse();
        });
    }

    @Test
    void manySmallElementsAddUpToTheLimit() throws Exception {
        withServer("*100000000\r\n" + ":1\r\n".repeat(200), c -> assertThatThrownBy(() -> c.command("KEYS", "*"))
                .hasMessage("the reply is larger than 1024 bytes"));
    }

    @Test
    void deepNestingIsMalformedNotAStackOverflow() throws Exception {
        withServer("*1\r\n".repeat(100) + ":1\r\n", c -> assertThatThrownBy(() -> c.command("X"))
                .isInstanceOf(RedisException.class).hasMessageStartingWith("malformed reply: arrays nested more than"));
    }

    @Test
    void garbageIsMalformed() throws Exception {
        withServer("?what\r\n", c -> assertThatThrownBy(() -> c.command("X"))
                .hasMessage("malformed reply: type byte 63"));
        withServer(":12x\r\n", c -> assertThatThrownBy(() -> c.command("X"))
                .hasMessage("malformed reply: not a number: 12x"));
        withServer("$5\r\nab", true, c -> assertThatThrownBy(() -> c.command("X")).isInstanceOf(RedisException.class)
                .hasMessageContaining("closed the connection"));
    }

    @Test
    void anErrorInsideAnArrayClosesTheConnection() throws Exception {
        withServer("*2\r\n:1\r\n-ERR inside\r\n", c -> {
            assertThatThrownBy(() -> c.command("EXEC")).isInstanceOf(RedisException.class)
                    .isNotInstanceOf(RedisException.ErrorReply.class).hasMessage("error in the reply: ERR inside");
            assertThat(c.isOpen()).isFalse();
        });
    }
}
