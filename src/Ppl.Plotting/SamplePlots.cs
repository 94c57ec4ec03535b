using Ppl.Inference;
using ScottPlot;

namespace Ppl.Plotting;

/// <summary>Plots of weighted samples (importance sampling, SMC) straight from the result.</summary>
public static class SamplePlots
{
    /// <summary>The weighted marginal histogram of the scalar choice at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentException">No particle has a scalar value at the address.</exception>
    public static Plot HistogramPlot<TTrace>(this WeightedSamples<TTrace> samples, Address address, int bins = 40)
        where TTrace : ITrace
    {
        var (values, weights, _) = samples.WeightedValues(address);
        if (values.Length == 0)
            throw new ArgumentException($"No particle has a scalar value at '{address}'.", nameof(address));
        return Plots.Histogram(values, weights, bins, title: $"posterior of {address}", xLabel: address.ToString());
    }

    /// <summary>Writes the marginal histogram of <paramref name="address"/> to a PNG or SVG file; returns its full path.</summary>
    public static string PlotHistogram<TTrace>(this WeightedSamples<TTrace> samples, Address address, string path, int bins = 40)
        where TTrace : ITrace =>
        samples.HistogramPlot(address, bins).Save(path);

    /// <summary>Writes one marginal histogram per address, side by side in one PNG or SVG file; returns its full path.</summary>
    public static string PlotHistograms<TTrace>(this WeightedSamples<TTrace> samples, IReadOnlyList<Address> addresses, string path,
        int bins = 40) where TTrace : ITrace =>
        Plots.SaveGrid(addresses.Select(a => samples.HistogramPlot(a, bins)).ToList(), path, columns: Math.Min(3, addresses.Count));
}
