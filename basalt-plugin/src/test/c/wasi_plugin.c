/* An Extism plug-in built with WASI (wasi-libc, reactor): writes its input to /out/<config "file">, prints a line
 * to stdout, and outputs what it wrote. Shows that WASI guests see only the manifest's allowed_paths. */
#include <stdio.h>
#include <string.h>
#include "extism_pdk.h"

static uint8_t in[4096];

EXTISM_EXPORT("write_file") int32_t write_file(void) {
    int64_t n = pdk_input(in, sizeof in);
    if (n < 0) return pdk_error("input too large");
    char name[256] = "/out/";
    ExtismPointer f = extism_config_get(pdk_write_str("file"));
    int64_t fl = f ? pdk_read(f, name + 5, sizeof name - 6) : -1;
    if (fl < 0) return pdk_error("config 'file' missing or too long");
    name[5 + fl] = 0;
    FILE *out = fopen(name, "w");
    if (!out) return pdk_error("cannot open the file");
    fwrite(in, 1, (size_t)n, out);
    fclose(out);
    printf("wrote %lld bytes to %s\n", (long long)n, name);
    fflush(stdout);
    pdk_output(in, (uint64_t)n);
    return 0;
}
