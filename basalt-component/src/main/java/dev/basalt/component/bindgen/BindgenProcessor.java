package dev.basalt.component.bindgen;

import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import dev.basalt.wasm.BasaltException;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The annotation processor behind {@link GenerateBindings}: loads the WIT, runs {@link JavaBindgen} and writes the
 * sources through javac's {@code Filer}, so they are compiled in the same build. Problems (a missing file, a WIT
 * error with its line and column, an unknown world) are compile errors on the annotated element.
 */
@SupportedAnnotationTypes("dev.basalt.component.bindgen.GenerateBindings")
@SupportedOptions(BindgenProcessor.ROOT_OPTION)
public final class BindgenProcessor extends AbstractProcessor {
    /** Directory that relative {@link GenerateBindings#wit()} paths are resolved against. */
    public static final String ROOT_OPTION = "basalt.wit.root";

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element element : round.getElementsAnnotatedWith(GenerateBindings.class)) {
            GenerateBindings request = element.getAnnotation(GenerateBindings.class);
            try {
                generate(element, request);
            } catch (BasaltException | IOException | java.io.UncheckedIOException e) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                        "basalt bindgen: " + e.getMessage(), element);
            }
        }
        return true;
    }

    private void generate(Element element, GenerateBindings request) throws IOException {
        String root = processingEnv.getOptions().get(ROOT_OPTION);
        Path wit = root == null ? Path.of(request.wit()) : Path.of(root).resolve(request.wit());
        WitLoader.Loaded loaded = WitLoader.load(wit, new WitLoader.Options(Set.of(request.features()), false));
        Resolve resolve = loaded.resolve();
        List<Resolve.WorldId> worlds = new ArrayList<>();
        for (Resolve.PackageId pkg : loaded.roots()) {
            for (Resolve.WorldId w : resolve.pkg(pkg).worlds()) {
                if (request.world().isEmpty() || resolve.world(w).name().equals(request.world())) {
                    worlds.add(w);
                }
            }
        }
        if (worlds.size() != 1) {
            throw new dev.basalt.component.ComponentException(request.world().isEmpty()
                    ? wit + " has " + worlds.size() + " worlds: name one with world = \"...\""
                    : "no world " + request.world() + " in " + wit);
        }
        String javaPackage = request.javaPackage().isEmpty() ? packageOf(element) : request.javaPackage();
        Map<String, String> files = JavaBindgen.generate(resolve, worlds.getFirst(), new JavaBindgen.Options(javaPackage));
        for (var file : files.entrySet()) {
            String className = file.getKey().substring(0, file.getKey().length() - ".java".length()).replace('/', '.');
            try (Writer w = processingEnv.getFiler().createSourceFile(className, element).openWriter()) {
                w.write(file.getValue());
            }
        }
    }

    private String packageOf(Element element) {
        Element e = element;
        while (!(e instanceof PackageElement)) {
            e = e.getEnclosingElement();
        }
        return ((PackageElement) e).getQualifiedName().toString();
    }
}
