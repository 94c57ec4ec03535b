using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Ppl.Inference.Variational;
using ScottPlot;

namespace Ppl.Plotting;

/// <summary>
/// Plots straight from inference results: MCMC trace plots and marginal histograms, the effective sample
/// size of SMC over its steps, and objective curves of variational and Distribution Transformer training.
/// Each <c>…Plot</c> method returns a ScottPlot plot (shown inline by the notebook formatters); each
/// <c>Plot…</c> method writes a PNG or SVG file (by the extension) and returns its full path.
/// </summary>
public static class ResultPlots
{
    /// <summary>The draws of <paramref name="name"/>, one line per chain.</summary>
    /// <exception cref="ArgumentException">No quantity has that name.</exception>
    public static Plot TracePlot(this McmcResult result, string name)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Plots.Trace(result.Parameter(Index(result, name)), title: $"{name}, {result.Chains} chain(s)", yLabel: name);
    }

    /// <summary>The histogram of <paramref name="name"/>'s draws, all chains pooled.</summary>
    /// <exception cref="ArgumentException">No quantity has that name.</exception>
    public static Plot HistogramPlot(this McmcResult result, string name, int bins = 40)
    {
        ArgumentNullException.ThrowIfNull(result);
        var draws = result.Parameter(Index(result, name)).SelectMany(c => c).ToArray();
        return Plots.Histogram(draws, bins: bins, title: $"posterior of {name}", xLabel: name);
    }

    /// <summary>
    /// Writes one histogram per quantity (all of them when <paramref name="names"/> is null), side by side
    /// in one PNG or SVG file; returns its full path.
    /// </summary>
    public static string PlotPosterior(this McmcResult result, string path, IReadOnlyList<string>? names = null, int bins = 40)
    {
        ArgumentNullException.ThrowIfNull(result);
        var chosen = names ?? result.Names;
        return Plots.SaveGrid(chosen.Select(n => result.HistogramPlot(n, bins)).ToList(), path, columns: Math.Min(3, chosen.Count));
    }

    /// <summary>Writes one trace plot per quantity (all of them when <paramref name="names"/> is null) in one file; returns its full path.</summary>
    public static string PlotTraces(this McmcResult result, string path, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var chosen = names ?? result.Names;
        return Plots.SaveGrid(chosen.Select(result.TracePlot).ToList(), path, columns: Math.Min(3, chosen.Count));
    }

    /// <summary>The effective sample size at each SMC step, with the particle count as a dashed line.</summary>
    public static Plot EssPlot<TArgs, TRet>(this SmcResult<TArgs, TRet> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Steps.Count == 0) throw new ArgumentException("The SMC run recorded no steps (the model has no observation).", nameof(result));
        return Plots.EffectiveSampleSize(result.Steps.Select(s => s.EffectiveSampleSize).ToArray(), result.Population.Count,
            title: $"ESS per step ({result.ResamplingCount} resampling events)");
    }

    /// <summary>Writes the ESS-per-step plot to a PNG or SVG file; returns its full path.</summary>
    public static string PlotEss<TArgs, TRet>(this SmcResult<TArgs, TRet> result, string path) => result.EssPlot().Save(path);

    /// <summary>The objective's estimate at each optimisation step (an ELBO curve, for the ELBO).</summary>
    public static Plot ObjectivePlot(this TrainResult result, string title = "Objective per step", string yLabel = "estimate")
    {
        ArgumentNullException.ThrowIfNull(result);
        return Plots.Curve(result.Estimates, title: title, xLabel: "step", yLabel: yLabel);
    }

    /// <summary>Writes the objective curve to a PNG or SVG file; returns its full path.</summary>
    public static string PlotObjective(this TrainResult result, string path, string title = "Objective per step") =>
        result.ObjectivePlot(title).Save(path);

    /// <summary>The training loss at each step of a Distribution Transformer.</summary>
    public static Plot LossPlot(this DtTrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Plots.Curve(result.Losses, title: "Distribution Transformer training loss", xLabel: "step", yLabel: "loss");
    }

    internal static int Index(McmcResult result, string name)
    {
        for (var i = 0; i < result.Names.Count; i++)
            if (result.Names[i] == name) return i;
        throw new ArgumentException($"No quantity '{name}' in this MCMC result; it has {string.Join(", ", result.Names)}.", nameof(name));
    }
}
