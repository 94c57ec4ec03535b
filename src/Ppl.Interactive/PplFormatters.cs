using Microsoft.DotNet.Interactive.Formatting;
using Ppl.Display;
using Ppl.Inference;
using Ppl.Plotting;

namespace Ppl.Interactive;

/// <summary>
/// Registers Ppl's HTML renderings with .NET Interactive's <see cref="Formatter"/>, so that a notebook
/// cell ending in a trace, a choice map, weighted samples, a posterior summary or a ScottPlot plot shows
/// a table or an inline SVG. Call <see cref="Register"/> once per kernel, after <c>#r</c>.
/// </summary>
public static class PplFormatters
{
    private const string Html = "text/html";
    private static int _registered;

    /// <summary>Registers the formatters; calling it again does nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Formatter.Register<ChoiceMap>((map, writer) => writer.Write(map.ToHtml()), Html);
        Formatter.Register<ITrace>((trace, writer) => writer.Write(trace.ToHtml()), Html);
        Formatter.Register<PosteriorSummary>((summary, writer) => writer.Write(summary.ToHtml()), Html);
        Formatter.Register<HtmlTable>((table, writer) => writer.Write(table.ToHtml()), Html);
        Formatter.Register<ScottPlot.Plot>((plot, writer) => writer.Write(plot.ToSvg()), Html);
        // WeightedSamples<TTrace> is generic over the trace type: register the open generic type, and
        // render it through the summary so that the notebook shows a table rather than 100 000 traces.
        Formatter.Register(typeof(WeightedSamples<>), (instance, writer) => writer.Write(SamplesHtml(instance)), Html);
    }

    /// <summary>The HTML that <see cref="Register"/> shows for weighted samples: the posterior summary of every scalar choice.</summary>
    public static string SamplesHtml(object samples)
    {
        var method = typeof(SummaryExtensions).GetMethod(nameof(SummaryExtensions.Summarize))!
            .MakeGenericMethod(samples.GetType().GetGenericArguments()[0]);
        var summary = (PosteriorSummary)method.Invoke(null, new[] { samples, Array.Empty<Address>() })!;
        return summary.ToHtml();
    }
}
