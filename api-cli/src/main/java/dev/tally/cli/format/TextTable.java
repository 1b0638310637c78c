package dev.tally.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligns tab-separated lines into columns like docker's tabwriter (minimum
 * width 10, padding 3). The text after a line's last tab is not padded. Each cell is printed
 * through {@link TerminalText}: a value never ends its row or moves the cursor.
 */
public final class TextTable {

    private static final int MIN_WIDTH = 10;
    private static final int PADDING = 3;

    private TextTable() {
    }

    public static List<String> align(List<String> lines) {
        List<String[]> rows = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split("\t", -1);
            for (int column = 0; column < cells.length; column++) {
                cells[column] = TerminalText.escape(cells[column]);
            }
            rows.add(cells);
            for (int column = 0; column < cells.length - 1; column++) {
                int width = Math.max(MIN_WIDTH, displayWidth(cells[column]) + PADDING);
                if (column == widths.size()) {
                    widths.add(width);
                } else {
                    widths.set(column, Math.max(widths.get(column), width));
                }
            }
        }
        List<String> result = new ArrayList<>();
        for (String[] cells : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < cells.length - 1; column++) {
                line.append(cells[column]).append(" ".repeat(widths.get(column) - displayWidth(cells[column])));
            }
            line.append(cells[cells.length - 1]);
            result.add(line.toString());
        }
        return result;
    }

    private static int displayWidth(String text) {
        return text.codePointCount(0, text.length());
    }
}
