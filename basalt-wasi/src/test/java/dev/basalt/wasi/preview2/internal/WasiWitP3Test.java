package dev.basalt.wasi.preview2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ResourceType;
import dev.basalt.component.ValueType;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.TypeDef;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled WASI 0.3 WIT resolves, and its async functions, streams and futures convert to runtime types. */
class WasiWitP3Test {
    private static Map<Resolve.TypeId, ResourceType> hostResources(Resolve r) {
        Map<Resolve.TypeId, ResourceType> byId = new HashMap<>();
        for (int i = 0; i < r.types().size(); i++) {
            Resolve.TypeId id = new Resolve.TypeId(i);
            if (r.type(id).kind() instanceof TypeDef.Resource) {
                byId.put(id, ResourceType.host(r.type(id).name()));
            }
        }
        return byId;
    }

    @Test
    void httpHandlerIsAnAsyncFunctionOfOwnedRequestToResultOfResponse() {
        Resolve r = WasiWit.resolveP3();
        WasiWit.Converter conv = new WasiWit.Converter(r, hostResources(r));
        Resolve.InterfaceId handler = WasiWit.iface(r, "wasi:http/handler@0.3.0");
        Function handle = r.iface(handler).functions().stream().filter(f -> f.name().equals("handle")).findFirst()
                .orElseThrow();
        ComponentFuncType t = conv.funcType(handle);
        assertThat(t.async()).isTrue();
        assertThat(t.paramTypes()).singleElement().isInstanceOfSatisfying(ValueType.OwnType.class,
                o -> assertThat(o.resource().name()).isEqualTo("request"));
        assertThat(t.result()).get().isInstanceOfSatisfying(ValueType.ResultType.class,
                res -> assertThat(res.ok()).get().isInstanceOf(ValueType.OwnType.class));
    }

    @Test
    void requestConstructorTakesAStreamOfBytesAndAFutureOfTrailers() {
        Resolve r = WasiWit.resolveP3();
        WasiWit.Converter conv = new WasiWit.Converter(r, hostResources(r));
        Resolve.InterfaceId types = WasiWit.iface(r, "wasi:http/types@0.3.0");
        Function fn = r.iface(types).functions().stream().filter(f -> f.name().equals("[static]request.new"))
                .findFirst().orElseThrow();
        ComponentFuncType t = conv.funcType(fn);
        assertThat(t.async()).isFalse();
        assertThat(t.paramTypes().get(1)).isEqualTo(new ValueType.OptionType(
                new ValueType.StreamType(java.util.Optional.of(ValueType.U8))));
        assertThat(t.paramTypes().get(2)).isInstanceOfSatisfying(ValueType.FutureType.class,
                f -> assertThat(f.element()).get().isInstanceOf(ValueType.ResultType.class));
    }

    @Test
    void everyWasi03InterfaceConverts() {
        Resolve r = WasiWit.resolveP3();
        WasiWit.Converter conv = new WasiWit.Converter(r, hostResources(r));
        int functions = 0;
        for (int i = 0; i < r.interfaces().size(); i++) {
            Resolve.InterfaceId id = new Resolve.InterfaceId(i);
            if (r.iface(id).name().isEmpty()) {
                continue;
            }
            assertThat(r.interfaceName(id)).endsWith("@0.3.0");
            for (Function f : r.iface(id).functions()) {
                conv.funcType(f);
                functions++;
            }
        }
        assertThat(functions).isGreaterThan(100);
    }
}
