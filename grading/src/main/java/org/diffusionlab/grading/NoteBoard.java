package org.diffusionlab.grading;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes {@link Grading#note} texts to the graded test that is running. The listener opens an entry
 * on the thread JUnit reports the test from; a note from that thread goes there. Under Jupiter's
 * SEPARATE_THREAD timeout mode (and {@code assertTimeoutPreemptively}) the test body runs on a helper
 * thread, so a note from an unknown thread goes to the only open entry; with several open entries
 * (parallel execution) it cannot be placed and is reported on stderr instead of being misfiled.
 */
final class NoteBoard {

    private static final Map<Thread, String> OPEN_BY_THREAD = new ConcurrentHashMap<>();
    private static final Set<String> OPEN = new LinkedHashSet<>();
    private static final Map<String, List<String>> NOTES = new ConcurrentHashMap<>();

    /** Notes kept per graded test; later ones are dropped (with one line saying so). */
    static final int MAX_NOTES_PER_TEST = 20;

    private NoteBoard() {}

    static void open(String key, Thread thread) {
        synchronized (OPEN) {
            OPEN.add(key);
        }
        OPEN_BY_THREAD.put(thread, key);
    }

    /** Closes the entry and returns the notes collected for it, in call order. */
    static List<String> close(String key) {
        synchronized (OPEN) {
            OPEN.remove(key);
        }
        OPEN_BY_THREAD.values().removeIf(key::equals);
        List<String> notes = NOTES.remove(key);
        return notes == null ? List.of() : List.copyOf(notes);
    }

    static void add(String text) {
        String key = OPEN_BY_THREAD.get(Thread.currentThread());
        if (key == null) {
            synchronized (OPEN) {
                if (OPEN.size() == 1) {
                    key = OPEN.iterator().next();
                } else if (OPEN.size() > 1) {
                    System.err.println("[grading] note not attached (several graded tests are running "
                            + "in parallel and it came from an unknown thread): " + text);
                    return;
                }
            }
        }
        if (key == null) {
            return; // not inside a graded test: documented as a no-op
        }
        List<String> notes = NOTES.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()));
        if (notes.size() < MAX_NOTES_PER_TEST) {
            notes.add(text);
        } else if (notes.size() == MAX_NOTES_PER_TEST) {
            notes.add("[further notes dropped: at most " + MAX_NOTES_PER_TEST + " per test]");
        }
    }
}
