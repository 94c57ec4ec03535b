using System.Globalization;
using System.Net;
using System.Text;

namespace Ppl.Display;

/// <summary>
/// A small HTML table builder with every cell escaped. Notebook formatters and reports use it so that
/// the core library can render its results as HTML without depending on any notebook package.
/// </summary>
public sealed class HtmlTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = new();
    private readonly List<string> _notes = new();

    /// <summary>A table with the given column headers.</summary>
    public HtmlTable(params string[] headers) => _headers = headers;

    /// <summary>A caption shown above the table (escaped).</summary>
    public string? Caption { get; set; }

    /// <summary>The number of data rows added so far.</summary>
    public int RowCount => _rows.Count;

    /// <summary>Adds a row; each cell is formatted with <see cref="FormatCell"/> and escaped.</summary>
    /// <exception cref="ArgumentException">The row has a different number of cells than there are headers.</exception>
    public HtmlTable AddRow(params object?[] cells)
    {
        if (cells.Length != _headers.Length)
            throw new ArgumentException($"The table has {_headers.Length} columns but the row has {cells.Length} cells.", nameof(cells));
        _rows.Add(cells.Select(FormatCell).ToArray());
        return this;
    }

    /// <summary>Adds a line of text under the table (escaped), e.g. "… 120 more rows".</summary>
    public HtmlTable AddNote(string note)
    {
        _notes.Add(note);
        return this;
    }

    /// <summary>Formats a cell value: doubles with 4 significant digits (invariant culture), other values with their string form.</summary>
    public static string FormatCell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        float f => f.ToString("G4", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Escapes text for HTML content and attribute values.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>The table as an HTML fragment (a <c>table</c> element, and a paragraph per note).</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<table class=\"ppl\">");
        if (Caption is not null) sb.Append("<caption>").Append(Escape(Caption)).Append("</caption>");
        sb.Append("<thead><tr>");
        foreach (var h in _headers) sb.Append("<th>").Append(Escape(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in _rows)
        {
            sb.Append("<tr>");
            foreach (var c in row) sb.Append("<td>").Append(Escape(c)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        foreach (var n in _notes) sb.Append("<p class=\"ppl-note\">").Append(Escape(n)).Append("</p>");
        return sb.ToString();
    }

    /// <summary>The same as <see cref="ToHtml"/>.</summary>
    public override string ToString() => ToHtml();
}
