using Spectre.Console;

namespace Ppl.Examples;

/// <summary>The one line an example adds to honour <c>--plot FILE</c>.</summary>
internal static class ExamplePlots
{
    /// <summary>
    /// When <c>--plot FILE</c> was given, calls <paramref name="write"/> with the file name (it writes a PNG,
    /// or an SVG for a .svg name, and returns the full path) and says where <paramref name="what"/> went.
    /// </summary>
    public static void WritePlot(this ExampleContext context, string what, Func<string, string> write)
    {
        if (context.PlotPath is not { } path) return;
        var written = write(path);
        context.Console.MarkupLine($"{Markup.Escape(what)} written to [bold]{Markup.Escape(written)}[/]");
    }
}
