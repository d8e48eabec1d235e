package org.diffusionlab.labs.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What every lab's walkthrough shares (given code, nothing to do here). */
public final class Walkthrough {

    private static final Pattern TODO = Pattern.compile("TODO (\\d+\\.\\d+)");

    private Walkthrough() {}

    /**
     * Runs one stage of a walkthrough. A stub's UnsupportedOperationException ends the walkthrough
     * (exit status 2) and names the TODO to do next, taken from the stub's message (which may be an
     * earlier one than {@code todo}), with the command that grades it.
     */
    public static <V> V stage(String lab, String todo, String where, Callable<V> stage) throws Exception {
        try {
            return stage.call();
        } catch (UnsupportedOperationException e) {
            String message = String.valueOf(e.getMessage());
            Matcher m = TODO.matcher(message);
            String id = m.find() ? m.group(1) : todo;
            System.out.println();
            System.out.println("Stopped at " + where + ": TODO " + id + " is not implemented yet.");
            System.out.println("  " + message);
            System.out.println("  Fill it in, check it with  mvn -q test -pl labs -Dgrading.lab=" + lab
                    + " -Dgrading.exercise=" + id + "  and run the walkthrough again.");
            System.exit(2);
            throw e;
        }
    }

    /**
     * {@code --name value} pairs as a map (later pairs win).
     *
     * @param example shown in the error, e.g. "--steps 2000 --out outputs"
     */
    public static Map<String, String> options(String[] args, String example) {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("argument '" + args[i] + "' is invalid: expected --name value pairs, e.g. "
                        + example);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        return opt;
    }
}
