package dev.basalt.serve.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OciReferenceTest {
    @Test
    void dockerDefaults() {
        assertThat(OciReference.parse("hello")).isEqualTo(new OciReference("docker.io", "library/hello", "latest", null));
        assertThat(OciReference.parse("me/app:1")).isEqualTo(new OciReference("docker.io", "me/app", "1", null));
        assertThat(OciReference.parse("me/app").apiHost()).isEqualTo("registry-1.docker.io");
    }

    @Test
    void registriesTagsAndDigests() {
        String d = "sha256:" + "ab".repeat(32);
        assertThat(OciReference.parse("oci://ghcr.io/me/shop:1.0")).isEqualTo(new OciReference("ghcr.io", "me/shop", "1.0", null));
        assertThat(OciReference.parse("localhost:5000/a/b/c@" + d))
                .isEqualTo(new OciReference("localhost:5000", "a/b/c", null, d));
        assertThat(OciReference.parse("127.0.0.1:5000/a:t@" + d).manifestReference()).isEqualTo(d);
        assertThat(OciReference.parse("localhost/a").registry()).isEqualTo("localhost");
        assertThat(OciReference.parse("ghcr.io/me/shop:1.0").toString()).isEqualTo("ghcr.io/me/shop:1.0");
    }

    @Test
    void malformedReferencesAreIllegalArguments() {
        assertThatThrownBy(() -> OciReference.parse("ghcr.io/Me/Shop")).hasMessageContaining("bad repository name");
        assertThatThrownBy(() -> OciReference.parse("ghcr.io/me/shop:")).hasMessageContaining("bad tag");
        assertThatThrownBy(() -> OciReference.parse("ghcr.io/me/shop@md5:00")).hasMessageContaining("digest");
        assertThatThrownBy(() -> OciReference.parse("ghcr.io/../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
