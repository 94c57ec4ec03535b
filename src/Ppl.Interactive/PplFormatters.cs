using Microsoft.DotNet.Interactive.Formatting;
using Ppl.Display;
using Ppl.Inference;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Ppl.Inference.Variational;
using Ppl.Plotting;

namespace Ppl.Interactive;

/// <summary>
/// Registers Ppl's HTML renderings with .NET Interactive's <see cref="Formatter"/>, so that a notebook
/// cell ending in a trace, a choice map, a posterior summary or a ScottPlot plot shows a table or an
/// inline SVG, and one ending in an inference result (weighted samples, SMC, MCMC, variational or
/// Distribution Transformer training) shows its table with its plot (<see cref="ResultHtml"/>). Call
/// <see cref="Register"/> once per kernel, after <c>#r</c>; the Ppl.Interactive package's
/// <c>interactive-extensions/dotnet/extension.dib</c> makes that call when the package is loaded with <c>#r "nuget: …"</c>.
/// </summary>
public static class PplFormatters
{
    private const string Html = "text/html";

    /// <summary>
    /// Registers the formatters. Calling it again registers them again, which changes nothing visible; it
    /// is not guarded, so that it works again after <c>Formatter.ResetToDefault()</c>.
    /// </summary>
    public static void Register()
    {
        Formatter.Register<ChoiceMap>((map, writer) => writer.Write(map.ToHtml()), Html);
        Formatter.Register<ITrace>((trace, writer) => writer.Write(trace.ToHtml()), Html);
        Formatter.Register<PosteriorSummary>((summary, writer) => writer.Write(summary.ToHtml()), Html);
        Formatter.Register<HtmlTable>((table, writer) => writer.Write(table.ToHtml()), Html);
        Formatter.Register<ScottPlot.Plot>((plot, writer) => writer.Write(plot.ToSvg()), Html);
        Formatter.Register<Summary>((summary, writer) => writer.Write(ResultHtml.Summary(summary)), Html);
        Formatter.Register<McmcResult>((result, writer) => writer.Write(ResultHtml.Mcmc(result)), Html);
        Formatter.Register<TrainResult>((result, writer) => writer.Write(ResultHtml.Training(result)), Html);
        Formatter.Register<DtTrainingResult>((result, writer) => writer.Write(ResultHtml.Training(result)), Html);
        // WeightedSamples<TTrace> and SmcResult<TArgs, TRet> are generic: register the open generic types,
        // and render them through their summaries so that the notebook shows a table and a plot rather
        // than 100 000 traces.
        Formatter.Register(typeof(WeightedSamples<>), (instance, writer) => writer.Write(ResultHtml.Samples(instance)), Html);
        Formatter.Register(typeof(SmcResult<,>), (instance, writer) => writer.Write(ResultHtml.Smc(instance)), Html);
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
