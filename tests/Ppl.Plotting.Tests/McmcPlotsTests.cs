using Ppl.Inference.Mcmc;
using ScottPlot;
using Xunit;

namespace Ppl.Plotting.Tests;

/// <summary>Every MCMC convergence plot builds and writes a non-empty PNG for a small result made by hand; divergences are marked.</summary>
public sealed class McmcPlotsTests : IDisposable
{
    private static readonly byte[] PngMagic = [0x89, (byte)'P', (byte)'N', (byte)'G'];
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-mcmc-plots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Two chains of 200 draws of (mu, tau): mu an AR(1) series with φ = 0.5, tau = exp(mu / 2) plus noise; energies
    /// iid around 10; every draw whose index is divisible by <paramref name="divergentEvery"/> marked divergent (none when 0).
    /// </summary>
    internal static McmcResult HandMade(int divergentEvery = 0, bool energies = true, int chains = 2, int draws = 200)
    {
        var rng = new Rng(7);
        var d = new double[chains][][];
        var stats = new TransitionStats[chains][];
        var lp = new double[chains][];
        for (var c = 0; c < chains; c++)
        {
            d[c] = new double[draws][];
            stats[c] = new TransitionStats[draws];
            lp[c] = new double[draws];
            var mu = 0.0;
            for (var i = 0; i < draws; i++)
            {
                mu = 0.5 * mu + rng.NextGaussian();
                d[c][i] = [mu, Math.Exp(mu / 2) + 0.1 * rng.NextGaussian()];
                var divergent = divergentEvery > 0 && i % divergentEvery == 0;
                stats[c][i] = new TransitionStats(0.8, 0.3, 3, 7, divergent, energies ? 10 + 2 * rng.NextGaussian() : double.NaN, true);
                lp[c][i] = -mu * mu / 2;
            }
        }
        return new McmcResult(["mu", "tau"], d, stats, lp, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    private string PathOf(string name) => Path.Combine(_folder, name + ".png");

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(PngMagic, bytes[..4]);
    }

    [Fact]
    public void Rank_plot() => AssertPng(HandMade().PlotRanks(PathOf("rank"), "mu"));

    [Fact]
    public void Pair_plot() => AssertPng(HandMade(divergentEvery: 10).PlotPair(PathOf("pair"), "mu", "tau"));

    [Fact]
    public void Energy_plot() => AssertPng(HandMade().PlotEnergy(PathOf("energy")));

    [Fact]
    public void Autocorrelation_plot() => AssertPng(HandMade().PlotAutocorrelation(PathOf("acf"), "tau", maxLag: 30));

    [Fact]
    public void Forest_plot() => AssertPng(HandMade().PlotForest(PathOf("forest")));

    [Fact]
    public void Forest_plot_of_chosen_names_and_one_chain() =>
        AssertPng(HandMade(chains: 1).PlotForest(PathOf("forest-one"), ["tau"], probability: 0.5));

    [Fact]
    public void Plots_also_write_svg()
    {
        var svg = HandMade().PlotRanks(Path.Combine(_folder, "rank.svg"), "tau");
        Assert.Contains("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
    }

    private static IEnumerable<ScottPlot.Plottables.Scatter> Divergent(Plot plot) =>
        plot.GetPlottables<ScottPlot.Plottables.Scatter>().Where(s => s.LegendText == McmcPlots.DivergentLabel);

    [Fact]
    public void Pair_plot_marks_divergent_draws_only_when_there_are_any()
    {
        var marked = HandMade(divergentEvery: 10).PairPlot("mu", "tau");
        var series = Assert.Single(Divergent(marked));
        Assert.Equal(2 * 20, series.Data.GetScatterPoints().Count);   // draws 0, 10, …, 190 of each chain
        Assert.Contains("40 divergent", marked.Axes.Title.Label.Text, StringComparison.Ordinal);
        Assert.Empty(Divergent(HandMade().PairPlot("mu", "tau")));   // negative control: no divergences, no series
    }

    [Fact]
    public void Energy_plot_shows_each_chains_ebfmi()
    {
        var result = HandMade();
        var title = result.EnergyPlot().Axes.Title.Label.Text;
        var bfmi = result.Ebfmi();
        Assert.Equal(2, bfmi.Length);
        foreach (var b in bfmi)
        {
            Assert.InRange(b, 1.5, 2.5);   // iid energies: E-BFMI near 2
            Assert.Contains(b.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), title, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Energy_plot_needs_energies_and_plots_need_known_names()
    {
        Assert.Throws<ArgumentException>(() => HandMade(energies: false).EnergyPlot());
        var e = Assert.Throws<ArgumentException>(() => HandMade().RankPlot("sigma"));
        Assert.Contains("'sigma'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => HandMade().PairPlot("mu", "sigma"));
        Assert.Throws<ArgumentException>(() => HandMade().ForestPlot(["mu"], probability: 1.5));
    }

    [Fact]
    public void ToString_prints_the_summary_and_the_divergences()
    {
        var result = HandMade(divergentEvery: 50);
        var text = result.ToString();
        Assert.StartsWith(result.Summarize().ToString(), text, StringComparison.Ordinal);
        Assert.EndsWith("2 chains × 200 draws, 8 divergent transitions", text, StringComparison.Ordinal);   // draws 0, 50, 100, 150 of each chain
        Assert.DoesNotContain(nameof(McmcResult), text, StringComparison.Ordinal);
        Assert.Contains("r_hat", text, StringComparison.Ordinal);
        Assert.Contains("tau", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_without_sampler_statistics_omits_divergences()
    {
        var withStats = HandMade(chains: 1, draws: 10);
        var bare = new McmcResult(withStats.Names, withStats.Draws, [[]], withStats.LogDensities, TimeSpan.Zero, TimeSpan.Zero);
        Assert.EndsWith("1 chain × 10 draws", bare.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("1 chain × 10 draws, 0 divergent transitions", withStats.ToString(), StringComparison.Ordinal);
    }
}
