using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using ScottPlot;

namespace Ppl.Plotting;

/// <summary>
/// The convergence plots MCMC users look at (the set ArviZ draws): rank plots, pair plots with divergent transitions
/// marked, the energy plot with each chain's E-BFMI, autocorrelation functions and forest plots across chains.
/// Each <c>…Plot</c> method returns a ScottPlot plot; each <c>Plot…</c> method writes it to a PNG or SVG file (by the
/// extension) and returns the full path. The numbers come from <see cref="Ppl.Inference.Diagnostics"/>.
/// </summary>
public static class McmcPlots
{
    /// <summary>The legend text of the divergent draws' series in <see cref="PairPlot"/>.</summary>
    public const string DivergentLabel = "divergent";

    /// <summary>
    /// A rank plot of <paramref name="name"/>: the draws of all chains are ranked together and each chain's ranks are
    /// counted in <paramref name="bins"/> bins, one row of bars per chain, with the count expected under uniform ranks as a
    /// dashed line. Rows that are flat around the line mean the chains agree; slopes or humps mean they do not.
    /// </summary>
    /// <exception cref="ArgumentException">No quantity has that name.</exception>
    public static Plot RankPlot(this McmcResult result, string name, int bins = 20)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counts = RankHistogram.Counts(result.Parameter(ResultPlots.Index(result, name)), bins);
        var plot = new Plot();
        var max = Math.Max(1, counts.Max(c => c.Max()));
        var scale = 0.9 / max;                            // every row is one unit high
        var total = counts.Sum(c => c.Sum());
        for (var c = 0; c < counts.Length; c++)
        {
            var color = plot.Add.Palette.GetColor(c);
            plot.Add.Bars(Enumerable.Range(0, bins).Select(b => new Bar
            {
                Position = (b + 0.5) * total / bins,
                ValueBase = c,
                Value = c + counts[c][b] * scale,
                Size = 0.95 * total / bins,
                FillColor = color,
                LineWidth = 0,
            }).ToArray());
            var expected = plot.Add.HorizontalLine(c + counts[c].Sum() / (double)bins * scale);
            expected.LinePattern = LinePattern.Dashed;
            expected.LineColor = Colors.Black;
            expected.LineWidth = 1;
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, counts.Length).Select(c => c + 0.45).ToArray(),
            Enumerable.Range(0, counts.Length).Select(c => $"chain {c}").ToArray());
        plot.Title($"rank plot of {name}");
        plot.XLabel("rank (all chains)");
        plot.Axes.SetLimitsY(0, counts.Length);
        return plot;
    }

    /// <summary>
    /// A scatter plot of <paramref name="nameY"/> against <paramref name="nameX"/> over all draws, with the draws after a
    /// divergent transition drawn in red (the series labelled <see cref="DivergentLabel"/>, present only when there are
    /// any): divergences that cluster in one region (the neck of a funnel) point at the geometry the sampler cannot follow.
    /// </summary>
    /// <exception cref="ArgumentException">No quantity has one of the names.</exception>
    public static Plot PairPlot(this McmcResult result, string nameX, string nameY)
    {
        ArgumentNullException.ThrowIfNull(result);
        var x = result.Parameter(ResultPlots.Index(result, nameX));
        var y = result.Parameter(ResultPlots.Index(result, nameY));
        List<double> okX = [], okY = [], badX = [], badY = [];
        for (var c = 0; c < x.Length; c++)
            for (var d = 0; d < x[c].Length; d++)
            {
                var divergent = c < result.Stats.Length && d < result.Stats[c].Length && result.Stats[c][d].Divergent;
                (divergent ? badX : okX).Add(x[c][d]);
                (divergent ? badY : okY).Add(y[c][d]);
            }
        var plot = new Plot();
        if (okX.Count > 0)
        {
            var ok = plot.Add.ScatterPoints(okX.ToArray(), okY.ToArray(), Colors.SteelBlue.WithAlpha(0.5));
            ok.MarkerSize = 4;
            ok.LegendText = "draws";
        }
        if (badX.Count > 0)
        {
            var bad = plot.Add.ScatterPoints(badX.ToArray(), badY.ToArray(), Colors.Red);
            bad.MarkerSize = 6;
            bad.LegendText = DivergentLabel;
        }
        plot.ShowLegend();
        plot.Title($"{nameY} against {nameX} ({badX.Count} divergent)");
        plot.XLabel(nameX);
        plot.YLabel(nameY);
        return plot;
    }

    /// <summary>
    /// The energy plot of Hamiltonian Monte Carlo: the histogram of the marginal energy E − Ē and that of the energy
    /// transitions Eₙ − Eₙ₋₁ within each chain, overlaid; each chain's E-BFMI is in the title. When the transition
    /// histogram is much narrower than the marginal one, momentum resampling cannot move the chain across energy levels.
    /// </summary>
    /// <exception cref="ArgumentException">The sampler recorded no finite energies (a kernel without a Hamiltonian).</exception>
    public static Plot EnergyPlot(this McmcResult result, int bins = 30)
    {
        ArgumentNullException.ThrowIfNull(result);
        var energy = result.Energy();
        if (energy.Sum(c => c.Length) < 2 || energy.Any(c => c.Any(e => !double.IsFinite(e))))
            throw new ArgumentException("The energy plot needs the Hamiltonian at every draw; this sampler recorded none (or non-finite ones).", nameof(result));
        var mean = energy.SelectMany(c => c).Average();
        var marginal = energy.SelectMany(c => c.Select(e => e - mean)).ToArray();
        var transitions = energy.SelectMany(c => c.Skip(1).Select((e, i) => e - c[i])).ToArray();
        var plot = new Plot();
        var m = Plots.AddHistogram(plot, marginal, null, bins, "marginal energy");
        foreach (var bar in m.Bars) bar.FillColor = Colors.SteelBlue.WithAlpha(0.6);
        if (transitions.Length > 0)
        {
            var t = Plots.AddHistogram(plot, transitions, null, bins, "energy transition");
            foreach (var bar in t.Bars) bar.FillColor = Colors.Orange.WithAlpha(0.6);
        }
        plot.ShowLegend();
        var bfmi = EnergyFraction.PerChain(energy);
        plot.Title("E-BFMI per chain: " + string.Join(", ", bfmi.Select(b => b.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))));
        plot.XLabel("energy − mean");
        plot.YLabel("density");
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>
    /// The autocorrelation function of <paramref name="name"/>'s draws up to <paramref name="maxLag"/>, one line per chain,
    /// with zero as a dashed line (<see cref="Autocorrelation"/>; the same estimator as the effective sample size).
    /// </summary>
    /// <exception cref="ArgumentException">No quantity has that name.</exception>
    public static Plot AutocorrelationPlot(this McmcResult result, string name, int maxLag = 50)
    {
        ArgumentNullException.ThrowIfNull(result);
        var acf = Autocorrelation.PerChain(result.Parameter(ResultPlots.Index(result, name)), maxLag);
        var plot = new Plot();
        for (var c = 0; c < acf.Length; c++)
        {
            var line = plot.Add.Scatter(Enumerable.Range(0, acf[c].Length).Select(t => (double)t).ToArray(), acf[c]);
            line.MarkerSize = 3;
            line.LegendText = $"chain {c}";
        }
        var zero = plot.Add.HorizontalLine(0);
        zero.LinePattern = LinePattern.Dashed;
        zero.LineColor = Colors.Black;
        zero.LineWidth = 1;
        if (acf.Length > 1) plot.ShowLegend();
        plot.Title($"autocorrelation of {name}");
        plot.XLabel("lag");
        plot.YLabel("autocorrelation");
        return plot;
    }

    /// <summary>
    /// A forest plot: for each quantity in <paramref name="names"/> (all when null) and each chain, the chain's mean as a
    /// marker and its central <paramref name="probability"/> interval (94% by default, as ArviZ) as a line, one row per
    /// chain, grouped by quantity. Chains whose intervals do not overlap have not converged to the same distribution.
    /// </summary>
    /// <exception cref="ArgumentException">No quantity has one of the names, or the probability is not in (0, 1).</exception>
    public static Plot ForestPlot(this McmcResult result, IReadOnlyList<string>? names = null, double probability = 0.94)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!(probability > 0 && probability < 1)) throw new ArgumentException($"The interval's probability must be in (0, 1), got {probability}.", nameof(probability));
        var chosen = names ?? result.Names;
        if (chosen.Count == 0) throw new ArgumentException("No quantities to plot.", nameof(names));
        var plot = new Plot();
        var rowsPerName = result.Chains + 1;
        double lo = (1 - probability) / 2, hi = 1 - lo;
        for (var i = 0; i < chosen.Count; i++)
        {
            var draws = result.Parameter(ResultPlots.Index(result, chosen[i]));
            for (var c = 0; c < draws.Length; c++)
            {
                var y = -(i * rowsPerName + c);
                var color = plot.Add.Palette.GetColor(c);
                var interval = plot.Add.Line(ChainMath.Quantile(draws[c], lo), y, ChainMath.Quantile(draws[c], hi), y);
                interval.LineColor = color;
                interval.LineWidth = 2;
                var mean = plot.Add.Marker(draws[c].Average(), y, MarkerShape.FilledCircle, 7, color);
                if (i == 0 && result.Chains > 1) mean.LegendText = $"chain {c}";
            }
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, chosen.Count).Select(i => -(i * rowsPerName + (result.Chains - 1) / 2.0)).ToArray(),
            chosen.ToArray());
        plot.Axes.SetLimitsY(-(chosen.Count * rowsPerName - 1), 1);
        if (result.Chains > 1) plot.ShowLegend(Edge.Right);   // outside the data, which fill the width
        plot.Title(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"mean and {probability * 100:0.#}% interval per chain"));
        plot.XLabel("value");
        return plot;
    }

    /// <summary>Writes the rank plot of <paramref name="name"/> to a PNG or SVG file; returns its full path.</summary>
    public static string PlotRanks(this McmcResult result, string path, string name, int bins = 20) => result.RankPlot(name, bins).Save(path);

    /// <summary>Writes the pair plot of two quantities, divergences marked, to a PNG or SVG file; returns its full path.</summary>
    public static string PlotPair(this McmcResult result, string path, string nameX, string nameY) => result.PairPlot(nameX, nameY).Save(path);

    /// <summary>Writes the energy plot (with E-BFMI) to a PNG or SVG file; returns its full path.</summary>
    public static string PlotEnergy(this McmcResult result, string path, int bins = 30) => result.EnergyPlot(bins).Save(path);

    /// <summary>Writes the autocorrelation plot of <paramref name="name"/> to a PNG or SVG file; returns its full path.</summary>
    public static string PlotAutocorrelation(this McmcResult result, string path, string name, int maxLag = 50) =>
        result.AutocorrelationPlot(name, maxLag).Save(path);

    /// <summary>Writes the forest plot of <paramref name="names"/> (all when null) to a PNG or SVG file; returns its full path.</summary>
    public static string PlotForest(this McmcResult result, string path, IReadOnlyList<string>? names = null, double probability = 0.94) =>
        result.ForestPlot(names, probability).Save(path);
}
