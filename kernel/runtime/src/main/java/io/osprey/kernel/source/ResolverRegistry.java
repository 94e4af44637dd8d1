package io.osprey.kernel.source;

import io.osprey.spi.Registration;
import io.osprey.spi.source.SourceResolver;
import io.osprey.spi.source.SourceResolvers;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The server's source resolvers; {@link #view} gives a plugin one whose additions are tracked for its stop. */
public final class ResolverRegistry {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final List<SourceResolver> resolvers = new CopyOnWriteArrayList<>();

    /** A view whose {@code add} hands each registration to {@code track}. */
    public SourceResolvers view(Consumer<Registration> track) {
        return new SourceResolvers() {
            @Override
            public Registration add(SourceResolver resolver) {
                Registration r = ResolverRegistry.this.add(resolver);
                track.accept(r);
                return r;
            }

            @Override
            public Optional<SourceResolver> find(String name) {
                return ResolverRegistry.this.find(name);
            }

            @Override
            public List<SourceResolver> list() {
                return List.copyOf(resolvers);
            }
        };
    }

    synchronized Registration add(SourceResolver resolver) {
        String name = resolver.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a resolver name is 1..32 of a-z 0-9 - : " + name);
        }
        if (find(name).isPresent()) {
            throw new IllegalArgumentException("a resolver named " + name + " is already registered");
        }
        resolvers.add(resolver);
        return () -> resolvers.remove(resolver);
    }

    Optional<SourceResolver> find(String name) {
        return resolvers.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
