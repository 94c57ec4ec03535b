using System.Text;
using Ppl.Display;
using Ppl.Inference;
using Ppl.Inference.Importance;
using Ppl.Plotting;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>Every plot path writes a non-empty PNG and SVG; the HTML renderings hold what they should.</summary>
public sealed class PlotTests : IDisposable
{
    private static readonly byte[] PngMagic = { 0x89, (byte)'P', (byte)'N', (byte)'G' };
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-plots-").FullName;

    private static readonly DynamicModel<double, double> Model = DynamicModel.Create<double, double>("m", (t, y) =>
    {
        var mu = t.Sample("mu", Dist.Normal(0, 1));
        var flag = t.Sample("flag", Dist.Bernoulli(0.3));
        t.Observe("y", Dist.Normal(mu, 1), y);
        return flag ? mu : -mu;
    });

    private static WeightedSamples<ITrace<double, double>> Samples() =>
        ImportanceSampling.Run(Model, 1.0, ChoiceMap.Empty, 2_000, new Rng(5));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(PngMagic, bytes[..4]);
    }

    private static void AssertSvg(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        Assert.Contains("<svg", text, StringComparison.Ordinal);
        Assert.True(text.Length > 1000, $"{path} has only {text.Length} characters");
    }

    private void AssertBoth(Func<string, string> write, string name)
    {
        AssertPng(write(Path.Combine(_folder, name + ".png")));
        AssertSvg(write(Path.Combine(_folder, name + ".svg")));
    }

    [Fact]
    public void Histogram_of_a_posterior_marginal() =>
        AssertBoth(p => Samples().PlotHistogram("mu", p), "hist");

    [Fact]
    public void Histograms_side_by_side() =>
        AssertBoth(p => Samples().PlotHistograms(new Address[] { "mu", "flag" }, p), "grid");

    [Fact]
    public void Trace_plot_of_chains() =>
        AssertBoth(p => Plots.Trace(new[] { new[] { 0.1, 0.4, 0.2, 0.5 }, new[] { -0.3, 0.0, 0.2, 0.1 } }, "trace").Save(p), "trace");

    [Fact]
    public void Effective_sample_size_over_steps() =>
        AssertBoth(p => Plots.EffectiveSampleSize(new[] { 100.0, 80, 45, 100, 70 }, particles: 100).Save(p), "ess");

    [Fact]
    public void A_curve_such_as_an_elbo() =>
        AssertBoth(p => Plots.Curve(new[] { -120.0, -80, -60, -55, -54 }, title: "ELBO", yLabel: "ELBO").Save(p), "curve");

    [Fact]
    public void Inline_svg_for_notebooks() =>
        Assert.StartsWith("<svg", Plots.Histogram(new[] { 1.0, 2, 2, 3 }).ToSvg().TrimStart(), StringComparison.Ordinal);

    [Fact]
    public void Weighted_histogram_integrates_to_one()
    {
        var (centers, densities, width) = Plots.HistogramDensity(new[] { 0.0, 1, 2, 3 }, new[] { 1.0, 1, 1, 5 }, bins: 4);
        Assert.Equal(4, centers.Length);
        Assert.Equal(1.0, densities.Sum() * width, 12);
        Assert.Equal(5.0 / 8 / width, densities[3], 12);   // the maximum lands in the last bin
    }

    [Fact]
    public void Negligible_particles_do_not_widen_the_range()
    {
        var (centers, _, width) = Plots.HistogramDensity(new[] { 0.0, 1, 1000 }, new[] { 1.0, 1, 1e-12 }, bins: 2);
        Assert.Equal(0.5, width, 12);
        Assert.Equal(0.75, centers[1], 12);
    }

    [Fact]
    public void Histogram_of_a_missing_address_names_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Samples().HistogramPlot("nope"));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_matches_the_weighted_moments()
    {
        var samples = Samples();
        var row = samples.Summarize()["mu"];
        Assert.Equal(samples.Mean(t => t.Get<double>("mu")), row.Mean, 10);
        Assert.Equal(Math.Sqrt(samples.Variance(t => t.Get<double>("mu"))), row.StandardDeviation, 8);
        Assert.True(row.Q05 < row.Median && row.Median < row.Q95);
        Assert.Equal(1.0, row.Presence, 12);
        Assert.Contains("mu", samples.Summarize().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Html_tables_escape_and_show_every_choice()
    {
        var trace = Model.Simulate(0.5, new Rng(1));
        var html = trace.ToHtml();
        Assert.Contains("<td>mu</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>flag</td>", html, StringComparison.Ordinal);
        Assert.Contains("trace of m", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;", new HtmlTable("a").AddRow("<b>").ToHtml(), StringComparison.Ordinal);
        var big = ChoiceMap.Empty;
        for (var i = 0; i < 5; i++) big = big.Set(i, (double)i);
        Assert.Contains("3 more of 5 choices", big.ToHtml(maxRows: 2), StringComparison.Ordinal);
        Assert.Contains("<table", Samples().ToHtml(), StringComparison.Ordinal);
    }
}
