namespace Ppl.Display;

/// <summary>HTML renderings of choice maps and traces, for notebooks and reports.</summary>
public static class DisplayExtensions
{
    /// <summary>How many rows a table shows before it says how many it left out.</summary>
    public const int DefaultMaxRows = 100;

    /// <summary>The choice map as a table of address and value, one row per leaf.</summary>
    public static HtmlTable ToHtmlTable(this ChoiceMap map, int maxRows = DefaultMaxRows)
    {
        var table = new HtmlTable("address", "value");
        AddLeaves(table, map, maxRows);
        return table;
    }

    /// <summary>The choice map as an HTML table fragment.</summary>
    public static string ToHtml(this ChoiceMap map, int maxRows = DefaultMaxRows) => map.ToHtmlTable(maxRows).ToHtml();

    /// <summary>
    /// The trace as a table of its choices, captioned with the function's name, the score and the return
    /// value.
    /// </summary>
    public static HtmlTable ToHtmlTable(this ITrace trace, int maxRows = DefaultMaxRows)
    {
        var table = new HtmlTable("address", "value")
        {
            Caption = $"trace of {trace.Function.Name}: score {HtmlTable.FormatCell(trace.Score)}, returns {Show(trace.ReturnObject)}",
        };
        AddLeaves(table, trace.Choices, maxRows);
        return table;
    }

    /// <summary>The trace as an HTML table fragment.</summary>
    public static string ToHtml(this ITrace trace, int maxRows = DefaultMaxRows) => trace.ToHtmlTable(maxRows).ToHtml();

    /// <summary>A value as a table shows it: doubles to 6 significant digits (a table is read, not parsed), the rest as error messages show them.</summary>
    internal static string Show(object? value) => value is double d
        ? d.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)
        : ValueConversion.Describe(value);

    private static void AddLeaves(HtmlTable table, ChoiceMap map, int maxRows)
    {
        var shown = 0;
        var total = 0;
        foreach (var (address, value) in map.Leaves)
        {
            total++;
            if (shown >= maxRows) continue;   // keep counting so the note can say how many were left out
            table.AddRow(address.ToString(), Show(value));
            shown++;
        }
        if (total == 0) table.AddNote("(no choices)");
        else if (total > shown) table.AddNote($"… {total - shown} more of {total} choices");
    }
}
