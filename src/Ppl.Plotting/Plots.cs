using ScottPlot;

namespace Ppl.Plotting;

/// <summary>
/// Plot builders over plain arrays: every result-specific plot (histograms of a posterior, trace plots
/// of a chain, ESS over SMC steps, ELBO curves) is one of these, so a new inference result needs only a
/// small extension method that extracts its numbers.
/// </summary>
public static class Plots
{
    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 640;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 400;

    /// <summary>
    /// A density histogram of <paramref name="values"/>, weighted by <paramref name="weights"/> when given
    /// (weights need not be normalised), with <paramref name="bins"/> equal bins over the data's range.
    /// </summary>
    /// <exception cref="ArgumentException">No values, lengths differ, or fewer than one bin.</exception>
    public static Plot Histogram(IReadOnlyList<double> values, IReadOnlyList<double>? weights = null, int bins = 40,
        string title = "", string xLabel = "value")
    {
        var plot = new Plot();
        AddHistogram(plot, values, weights, bins, label: null);
        Label(plot, title, xLabel, "density");
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>Adds a density histogram to an existing plot (for overlays); returns the bars.</summary>
    public static ScottPlot.Plottables.BarPlot AddHistogram(Plot plot, IReadOnlyList<double> values, IReadOnlyList<double>? weights,
        int bins, string? label)
    {
        var (centers, densities, width) = HistogramDensity(values, weights, bins);
        var bars = plot.Add.Bars(centers, densities);
        foreach (var bar in bars.Bars)
        {
            bar.Size = width;
            bar.LineWidth = 0;
        }
        if (label is not null) bars.LegendText = label;
        return bars;
    }

    /// <summary>Particles lighter than this fraction of the heaviest one do not widen a histogram's range.</summary>
    public const double VisibleWeight = 1e-6;

    /// <summary>
    /// Bin centres, densities (integrating to one up to the weight of particles lighter than
    /// <see cref="VisibleWeight"/> times the heaviest, which fall outside the bins) and the bin width of a weighted histogram. A constant
    /// sample gets one unit-wide bin so that it still shows.
    /// </summary>
    public static (double[] Centers, double[] Densities, double Width) HistogramDensity(IReadOnlyList<double> values,
        IReadOnlyList<double>? weights, int bins)
    {
        if (values.Count == 0) throw new ArgumentException("No values to plot.", nameof(values));
        if (weights is not null && weights.Count != values.Count)
            throw new ArgumentException($"{values.Count} values but {weights.Count} weights.", nameof(weights));
        if (bins < 1) throw new ArgumentException($"bins must be at least 1, got {bins}.", nameof(bins));
        // Importance sampling leaves many particles with negligible weight far out in the prior's tails;
        // the bins span only the particles with visible weight so that the posterior is not a sliver.
        var maxWeight = weights?.Max() ?? 1.0;
        var visible = Enumerable.Range(0, values.Count).Where(i => (weights?[i] ?? 1.0) >= VisibleWeight * maxWeight).ToList();
        if (visible.Count == 0) visible = Enumerable.Range(0, values.Count).ToList();
        var min = visible.Min(i => values[i]);
        var max = visible.Max(i => values[i]);
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentException("Values must be finite.", nameof(values));
        if (max == min) { min -= 0.5; max += 0.5; }
        var width = (max - min) / bins;
        var mass = new double[bins];
        double total = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var w = weights?[i] ?? 1.0;
            total += w;
            if (values[i] < min || values[i] > max) continue;   // invisible weight: counted, not drawn
            var b = Math.Min(bins - 1, (int)((values[i] - min) / width));   // the maximum falls in the last bin
            mass[b] += w;
        }
        var centers = new double[bins];
        var densities = new double[bins];
        for (var b = 0; b < bins; b++)
        {
            centers[b] = min + (b + 0.5) * width;
            densities[b] = total > 0 ? mass[b] / (total * width) : 0;
        }
        return (centers, densities, width);
    }

    /// <summary>A trace plot: each series (e.g. an MCMC chain) as a line over its iteration index.</summary>
    /// <exception cref="ArgumentException">No series, or an empty one.</exception>
    public static Plot Trace(IReadOnlyList<IReadOnlyList<double>> series, string title = "", string yLabel = "value")
    {
        if (series.Count == 0 || series.Any(s => s.Count == 0)) throw new ArgumentException("Every series needs at least one value.", nameof(series));
        var plot = new Plot();
        for (var c = 0; c < series.Count; c++)
        {
            var line = plot.Add.Signal(series[c].ToArray());
            if (series.Count > 1) line.LegendText = $"chain {c}";
        }
        if (series.Count > 1) plot.ShowLegend();
        Label(plot, title, "iteration", yLabel);
        return plot;
    }

    /// <summary>
    /// A curve y(x) with markers, e.g. the effective sample size after each SMC step or the ELBO per
    /// optimisation step; <paramref name="xs"/> defaults to 0, 1, 2, ….
    /// </summary>
    /// <exception cref="ArgumentException">No values, or lengths differ.</exception>
    public static Plot Curve(IReadOnlyList<double> ys, IReadOnlyList<double>? xs = null, string title = "", string xLabel = "step",
        string yLabel = "value")
    {
        if (ys.Count == 0) throw new ArgumentException("No values to plot.", nameof(ys));
        if (xs is not null && xs.Count != ys.Count) throw new ArgumentException($"{xs.Count} x values but {ys.Count} y values.", nameof(xs));
        var plot = new Plot();
        var x = xs?.ToArray() ?? Enumerable.Range(0, ys.Count).Select(i => (double)i).ToArray();
        plot.Add.Scatter(x, ys.ToArray());
        Label(plot, title, xLabel, yLabel);
        return plot;
    }

    /// <summary>The effective sample size over steps (e.g. SMC), with the particle count as a dashed line when given.</summary>
    public static Plot EffectiveSampleSize(IReadOnlyList<double> ess, int? particles = null, string title = "Effective sample size")
    {
        var plot = Curve(ess, title: title, xLabel: "step", yLabel: "ESS");
        if (particles is int n)
        {
            var line = plot.Add.HorizontalLine(n);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"{n} particles";
            plot.ShowLegend();
        }
        plot.Axes.SetLimitsY(0, (particles ?? ess.Max()) * 1.05);
        return plot;
    }

    /// <summary>
    /// Writes the plot to <paramref name="path"/>: SVG when the name ends in <c>.svg</c>, PNG otherwise.
    /// Creates the folder if needed and returns the full path.
    /// </summary>
    public static string Save(this Plot plot, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        if (IsSvg(full)) plot.SaveSvg(full, width, height);
        else plot.SavePng(full, width, height);
        return full;
    }

    /// <summary>
    /// Lays plots out in a grid (<paramref name="columns"/> wide) and writes one image, SVG or PNG by the
    /// extension as in <see cref="Save(Plot, string, int, int)"/>; returns the full path.
    /// </summary>
    public static string SaveGrid(IReadOnlyList<Plot> plots, string path, int columns = 3, int cellWidth = 400, int cellHeight = 300)
    {
        if (plots.Count == 0) throw new ArgumentException("No plots to save.", nameof(plots));
        columns = Math.Max(1, Math.Min(columns, plots.Count));
        var rows = (plots.Count + columns - 1) / columns;
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        if (IsSvg(full))
        {
            // ScottPlot's Multiplot writes only bitmaps; an SVG grid nests each plot's own SVG at its cell.
            File.WriteAllText(full, SvgGrid(plots, columns, rows, cellWidth, cellHeight));
            return full;
        }
        // Each plot renders itself at its cell's size and the cells are drawn onto one canvas, which keeps
        // every plot's own layout (ScottPlot's Multiplot layouts reject some grid shapes).
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(columns * cellWidth, rows * cellHeight));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        for (var i = 0; i < plots.Count; i++)
        {
            using var cell = SkiaSharp.SKImage.FromEncodedData(plots[i].GetImageBytes(cellWidth, cellHeight, ImageFormat.Png));
            surface.Canvas.DrawImage(cell, i % columns * cellWidth, i / columns * cellHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        using (var file = File.Create(full)) data.SaveTo(file);
        return full;
    }

    /// <summary>The plot as an SVG document, e.g. to embed in a notebook or an HTML report.</summary>
    public static string ToSvg(this Plot plot, int width = DefaultWidth, int height = DefaultHeight) => SvgElement(plot.GetSvgXml(width, height));

    /// <summary>The <c>svg</c> element without the XML declaration, so it can be embedded in HTML or another SVG.</summary>
    private static string SvgElement(string svg)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }

    private static string SvgGrid(IReadOnlyList<Plot> plots, int columns, int rows, int cellWidth, int cellHeight)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(System.FormattableString.Invariant(
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{columns * cellWidth}\" height=\"{rows * cellHeight}\">"));
        for (var i = 0; i < plots.Count; i++)
        {
            sb.Append(System.FormattableString.Invariant($"<g transform=\"translate({i % columns * cellWidth},{i / columns * cellHeight})\">"));
            sb.Append(plots[i].ToSvg(cellWidth, cellHeight)).Append("</g>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static bool IsSvg(string path) => path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    private static void Label(Plot plot, string title, string xLabel, string yLabel)
    {
        if (title.Length > 0) plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }
}
