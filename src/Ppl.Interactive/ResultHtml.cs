using System.Globalization;
using System.Reflection;
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
/// The HTML a notebook shows for each inference result: a table of the figures a modeler reads first,
/// followed by the plot that goes with the result (inline SVG made with ScottPlot). Kept apart from the
/// <see cref="PplFormatters"/> registration so that it can be called, and tested, without a kernel.
/// </summary>
public static class ResultHtml
{
    /// <summary>At most this many quantities get a plot under a table, so that a 100-parameter model stays readable.</summary>
    public const int MaxPlots = 2;

    private const int Width = 480;
    private const int Height = 300;

    /// <summary>The convergence table of an MCMC summary: mean, sd, quantiles, MCSE, bulk and tail ESS, R-hat.</summary>
    public static string Summary(Summary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = new HtmlTable("", "mean", "sd", "5%", "50%", "95%", "mcse", "ess_bulk", "ess_tail", "r_hat");
        foreach (var r in summary.Rows)
            table.AddRow(r.Name, F(r.Mean, "G4"), F(r.Sd, "G3"), F(r.Q5, "G4"), F(r.Median, "G4"), F(r.Q95, "G4"), F(r.McseMean, "G2"),
                F(r.EssBulk, "F0"), F(r.EssTail, "F0"), F(r.Rhat, "F3"));
        return table.ToHtml();
    }

    /// <summary>An MCMC result: its run figures, the convergence table, and trace plots of the first quantities.</summary>
    public static string Mcmc(McmcResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var head = $"<p>{result.Chains} chain(s) × {result.DrawsPerChain} draws, {result.Divergences} divergence(s), mean accept_stat {F(result.MeanAcceptStat, "F2")}, " +
                   $"sampling {F(result.SamplingTime.TotalSeconds, "F2")} s</p>";
        var plots = string.Concat(result.Names.Take(MaxPlots).Select(n => result.TracePlot(n).ToSvg(Width, Height)));
        return "<div>" + head + Summary(result.Summarize()) + "<div>" + plots + "</div></div>";
    }

    /// <summary>An SMC result (any <c>SmcResult&lt;TArgs, TRet&gt;</c>): algorithm, evidence, ESS and the ESS-per-step plot.</summary>
    public static string Smc(object result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var type = result.GetType();
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(SmcResult<,>))
            throw new ArgumentException($"Expected an SmcResult<,>, got {type.Name}.", nameof(result));
        return (string)typeof(ResultHtml).GetMethod(nameof(SmcTyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type.GetGenericArguments()).Invoke(null, new[] { result })!;
    }

    private static string SmcTyped<TArgs, TRet>(SmcResult<TArgs, TRet> result)
    {
        var table = new HtmlTable("algorithm", "particles", "steps", "resampling events", "log evidence", "final ESS")
            .AddRow(result.Algorithm, result.Population.Count, result.Steps.Count, result.ResamplingCount, F(result.LogEvidence, "F4"),
                F(result.EffectiveSampleSize, "F1"));
        var plot = result.Steps.Count > 0 ? result.EssPlot().ToSvg(Width, Height) : "";
        return "<div>" + table.ToHtml() + plot + "</div>";
    }

    /// <summary>Weighted samples (importance sampling, SMC): the posterior summary and the histogram of the first scalar choices.</summary>
    public static string Samples(object samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var type = samples.GetType();
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(WeightedSamples<>))
            throw new ArgumentException($"Expected a WeightedSamples<>, got {type.Name}.", nameof(samples));
        return (string)typeof(ResultHtml).GetMethod(nameof(SamplesTyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type.GetGenericArguments()).Invoke(null, new[] { samples })!;
    }

    private static string SamplesTyped<TTrace>(WeightedSamples<TTrace> samples) where TTrace : ITrace
    {
        var summary = samples.Summarize();
        var plots = string.Concat(summary.Rows.Take(MaxPlots).Select(r => samples.HistogramPlot(r.Address).ToSvg(Width, Height)));
        return "<div>" + summary.ToHtml() + "<div>" + plots + "</div></div>";
    }

    /// <summary>A variational training run: the final objective (averaged over the last steps) and its curve.</summary>
    public static string Training(TrainResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Estimates.Count == 0) return "<p>no optimisation steps</p>";
        return $"<div><p>{result.Estimates.Count} steps, final objective ≈ {F(result.Final(Math.Min(100, result.Estimates.Count)), "F4")}</p>" +
               result.ObjectivePlot().ToSvg(Width, Height) + "</div>";
    }

    /// <summary>A Distribution Transformer training run: steps, time, final losses and the loss curve.</summary>
    public static string Training(DtTrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var head = $"<p>{result.Steps} steps in {F(result.Seconds, "F1")} s, final loss {F(result.FinalLoss, "F4")} (posterior NLL {F(result.FinalPosteriorNll, "F4")})</p>";
        return "<div>" + head + (result.Losses.Count > 0 ? result.LossPlot().ToSvg(Width, Height) : "") + "</div>";
    }

    private static string F(double x, string format) => Ppl.Inference.Diagnostics.Summary.FormatNumber(x, format);
}
