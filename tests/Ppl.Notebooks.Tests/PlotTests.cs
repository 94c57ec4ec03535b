using System.Text;
using Ppl.Autodiff;
using Ppl.Display;
using Ppl.Inference;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Importance;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Ppl.Inference.Variational;
using Ppl.Interactive;
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

    /// <summary>A short two-parameter NUTS run (mu ~ N(1, 1), s ~ N(-2, 0.5)): cheap, and enough draws to plot.</summary>
    private static McmcResult Chains() => McmcSampler.Sample(
        new AutodiffDensity(2, x => RealDensity.Normal(x[0], 1, 1) + RealDensity.Normal(x[1], -2, 0.5)), new NutsKernel(),
        new McmcSettings { Chains = 2, Warmup = 100, Draws = 100 }, new Rng(3), names: new[] { "mu", "s" });

    private static readonly DynamicModel<double[], double> Walk = DynamicModel.Create<double[], double>("walk", (t, ys) =>
    {
        var x = t.Sample(new Address("x", 0), Dist.Normal(0, 1));
        for (var i = 0; i < ys.Length; i++)
        {
            x = t.Sample(new Address("x", i + 1), Dist.Normal(x, 1));
            t.Observe(new Address("y", i + 1), Dist.Normal(x, 0.5), ys[i]);
        }
        return x;
    });

    private static SmcResult<double[], double> Filter() => BootstrapSmc.Run(Walk, new[] { 0.3, 1.5, -0.2, 4.0, 0.1 }, 100, new Rng(2));

    private static readonly TrainResult Training = new(Enumerable.Range(0, 50).Select(i => -10 + 8 * (1 - Math.Exp(-i / 10.0))).ToArray());

    [Fact]
    public void Mcmc_trace_plots_and_histograms()
    {
        var chains = Chains();
        AssertBoth(p => chains.TracePlot("mu").Save(p), "mcmc-trace");
        AssertBoth(p => chains.HistogramPlot("s").Save(p), "mcmc-hist");
        AssertBoth(p => chains.PlotPosterior(p), "mcmc-posterior");
        AssertBoth(p => chains.PlotTraces(p, new[] { "s" }), "mcmc-traces");
        var e = Assert.Throws<ArgumentException>(() => chains.TracePlot("sigma"));
        Assert.Contains("'sigma'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Smc_effective_sample_size_per_step()
    {
        var filter = Filter();
        AssertBoth(p => filter.PlotEss(p), "smc-ess");
        Assert.True(filter.Steps.Count >= 5, $"{filter.Steps.Count} steps for 5 observations");   // one point per observation at least
    }

    [Fact]
    public void Objective_and_loss_curves()
    {
        AssertBoth(p => Training.PlotObjective(p, "ELBO"), "elbo");
        var dt = new DtTrainingResult(30, 1.2, 0.8, 2.5, Enumerable.Range(0, 30).Select(i => 3.0 / (1 + i)).ToArray());
        AssertBoth(p => dt.LossPlot().Save(p), "dt-loss");
    }

    [Fact]
    public void Result_html_has_a_table_and_a_plot()
    {
        var chains = Chains();
        var mcmc = ResultHtml.Mcmc(chains);
        Assert.Contains("<td>mu</td>", mcmc, StringComparison.Ordinal);
        Assert.Contains("r_hat", mcmc, StringComparison.Ordinal);
        Assert.Equal(2, CountSvg(mcmc));                        // one trace plot per quantity, up to MaxPlots
        var smc = ResultHtml.Smc(Filter());
        Assert.Contains("log evidence", smc, StringComparison.Ordinal);
        Assert.Equal(1, CountSvg(smc));
        var samples = ResultHtml.Samples(Samples());
        Assert.Contains("<td>mu</td>", samples, StringComparison.Ordinal);
        Assert.Equal(2, CountSvg(samples));                    // mu and flag
        Assert.Equal(1, CountSvg(ResultHtml.Training(Training)));
        Assert.Contains("50 steps", ResultHtml.Training(Training), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ResultHtml.Smc(Samples()));
    }

    private static int CountSvg(string html) => html.Split("<svg").Length - 1;

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
