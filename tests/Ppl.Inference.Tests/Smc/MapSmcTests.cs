using Ppl.Distributions;
using Ppl.Inference.Smc;
using Xunit;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// SMC over the Map combinator, item by item, against the exact evidence and posterior of a conjugate plate
/// (xᵢ ~ N(m, 1), yᵢ ~ N(xᵢ, 1): p(yᵢ) = N(yᵢ; m, √2), xᵢ | yᵢ ~ N((m + yᵢ)/2, 1/2)) and of a two-sensor
/// mixture written with Switch.
/// </summary>
public class MapSmcTests
{
    private const double M = 0.5;
    private static readonly double[] Ys = { 1.6, -0.4, 1.7, 0.2, 2.3, -1.1 };
    private static readonly double[] Ms = Ys.Select(_ => M).ToArray();

    private static long _kernelRuns;

    /// <summary>The plate's kernel: item i's latent x around the shared mean m (its argument), and its observation y.</summary>
    private static Map<double, double> MakeModel() => new(DynamicModel.Create<double, double>("conjugate-item", (t, m) =>
    {
        Interlocked.Increment(ref _kernelRuns);
        var x = t.Sample("x", new Normal(m, 1));
        t.Sample("y", new Normal(x, 1));
        return x;
    }));

    private static IReadOnlyList<ChoiceMap> Observations() => Ys.Select(y => ChoiceMap.From(("y", y))).ToList();

    private static double ExactLogEvidence() => Ys.Sum(y => new Normal(M, Math.Sqrt(2)).LogDensity(y));

    private static double ExactPosteriorMean(int i) => (M + Ys[i]) / 2;

    [Theory]
    [InlineData(2, 1.0, 4000)]
    [InlineData(10, 0.5, 1500)]
    [InlineData(100, 1.0, 300)]
    public void EvidenceIsUnbiased_AndDroppingTheLastItemsWeightFails(int particles, double essThreshold, int runs)
    {
        var model = MakeModel();
        var logZ = ExactLogEvidence();
        var rng = new Rng(41);
        var ratios = new double[runs];
        var wrong = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = MapSmc.Run(model, Ms, Observations(), particles, rng, essThreshold: essThreshold);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            // Negative control: the estimate without the last item's weight (an off-by-one target, the Map
            // over the first K − 1 items) against the full evidence.
            wrong[r] = Math.Exp(result.Steps[^2].LogEvidence - logZ);
        }
        var (mean, se) = MeanSe(ratios);
        Assert.True(Math.Abs(mean - 1) <= 4.5 * se, $"mean Ẑ/Z {mean} ± {se}");
        Assert.True(ratios.Average(Math.Log) < 0, "mean log Ẑ must lie below log Z (Jensen)");
        var (wm, wse) = MeanSe(wrong);
        Assert.True(Math.Abs(wm - 1) > 4.5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void PosteriorMeansMatchTheConjugatePosterior_AndThePriorMeanIsRejected()
    {
        var model = MakeModel();
        const int runs = 40;
        var rng = new Rng(7);
        var estimates = new double[2][];
        int[] items = [0, Ys.Length - 1];
        for (var j = 0; j < 2; j++) estimates[j] = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = MapSmc.Run(model, Ms, Observations(), 200, rng);
            for (var j = 0; j < 2; j++)
            {
                var i = items[j];
                estimates[j][r] = result.Population.Mean(t => t.Return[i]);
            }
        }
        for (var j = 0; j < 2; j++)
        {
            var (mean, se) = MeanSe(estimates[j]);
            var exact = ExactPosteriorMean(items[j]);
            Assert.True(Math.Abs(mean - exact) <= 5 * se, $"item {items[j]}: {mean} ± {se}, exact {exact}");
            // The check has the power to tell the posterior from the prior.
            Assert.True(Math.Abs(mean - M) > 5 * se, $"item {items[j]}: the prior mean {M} is not rejected ({mean} ± {se})");
        }
    }

    [Fact]
    public void EachItemRunsTheKernelOncePerParticle()
    {
        var model = MakeModel();
        var before = Interlocked.Read(ref _kernelRuns);
        var result = MapSmc.Run(model, Ms, Observations(), 30, new Rng(2), options: new RunOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(30 * Ys.Length, Interlocked.Read(ref _kernelRuns) - before);
        Assert.Equal(Ys.Length, result.Steps.Count);
        foreach (var trace in result.Population.Particles)
        {
            Assert.Equal(Ms, trace.Args);
            for (var i = 0; i < Ys.Length; i++) Assert.Equal(Ys[i], trace.Choices.Get<double>((Address)i / "y"));
        }
    }

    [Fact]
    public void ResultsDependOnlyOnTheSeed_AndTheTwoFormsOfObservationsAgree()
    {
        var a = MapSmc.Run(MakeModel(), Ms, Observations(), 40, new Rng(8));
        var b = MapSmc.Run(MakeModel(), Ms, Observations(), 40, new Rng(8), options: new RunOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.LogEvidence, b.LogEvidence);
        var whole = ChoiceMap.Empty;
        for (var i = 0; i < Ys.Length; i++) whole = whole.Set((Address)i / "y", Ys[i]);
        var c = MapSmc.Run(MakeModel(), Ms, whole, 40, new Rng(8));
        Assert.Equal(a.LogEvidence, c.LogEvidence);
        Assert.NotEqual(a.LogEvidence, MapSmc.Run(MakeModel(), Ms, Observations(), 40, new Rng(9)).LogEvidence);
    }

    [Fact]
    public void AGeneratedKernelRunsThroughMapAndMapSmc()
    {
        var model = new Map<double, double>(MapSmcModels.ItemModel, "generated-plate");
        var logZ = ExactLogEvidence();
        var rng = new Rng(17);
        const int runs = 800;
        var ratios = new double[runs];
        var lastMeans = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = MapSmc.Run(model, Ms, Observations(), 20, rng);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            lastMeans[r] = result.Population.Mean(t => t.Return[^1]);
        }
        var (mean, se) = MeanSe(ratios);
        Assert.True(Math.Abs(mean - 1) <= 4.5 * se, $"mean Ẑ/Z {mean} ± {se}");
        var (pm, pse) = MeanSe(lastMeans);
        var exact = ExactPosteriorMean(Ys.Length - 1);
        Assert.True(Math.Abs(pm - exact) <= 5 * pse, $"posterior mean {pm} ± {pse}, exact {exact}");
        // The generated kernel's Generate weighs an item as the hand-written one does.
        var g = model.Generate(Ms, ChoiceMap.Empty.Set((Address)0 / "x", 0.3).Set((Address)0 / "y", Ys[0]), new Rng(1));
        var d = MakeModel().Generate(Ms, ChoiceMap.Empty.Set((Address)0 / "x", 0.3).Set((Address)0 / "y", Ys[0]), new Rng(1));
        Assert.Equal(d.Weight, g.Weight, 12);
    }

    // ------------------------------------------------------------------ Switch

    /// <summary>Each reading y comes from a narrow (σ = 1) or a wide (σ = 3) sensor around m.</summary>
    private static readonly Switch<double, double> Sensors = new("sensors",
        DynamicModel.Create<double, double>("narrow", (t, m) => t.Sample("y", new Normal(m, 1))),
        DynamicModel.Create<double, double>("wide", (t, m) => t.Sample("y", new Normal(m, 3))));

    private const double WideProbability = 0.3;

    /// <summary>A mixture item: a coin picks the sensor, which the item calls through the Switch at "reading".</summary>
    private static Map<double, double> MixturePlate() => new(DynamicModel.Create<double, double>("mixture-item", (t, m) =>
    {
        var wide = t.Sample("wide", new Bernoulli(WideProbability));
        return t.Call("reading", Sensors, (wide ? 1 : 0, m));
    }));

    private static double MixtureLogLikelihood(double y) =>
        Math.Log((1 - WideProbability) * Math.Exp(new Normal(M, 1).LogDensity(y)) + WideProbability * Math.Exp(new Normal(M, 3).LogDensity(y)));

    [Fact]
    public void AKernelCallingASwitchRunsThroughMapSmc_EvidenceAndBranchPosteriorAreExact()
    {
        var plate = MixturePlate();
        var observations = Ys.Select(y => ChoiceMap.Empty.Set(Address.Parse("reading/y"), y)).ToList();
        var logZ = Ys.Sum(MixtureLogLikelihood);
        // P(wide | y) for the item with the largest reading.
        var i = Array.IndexOf(Ys, Ys.Max());
        var exactWide = WideProbability * Math.Exp(new Normal(M, 3).LogDensity(Ys[i]) - MixtureLogLikelihood(Ys[i]));
        var rng = new Rng(23);
        const int runs = 1000;
        var ratios = new double[runs];
        var wrong = new double[runs];
        var wides = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = MapSmc.Run(plate, Ms, observations, 8, rng);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            wrong[r] = Math.Exp(result.Steps[^2].LogEvidence - logZ);
            wides[r] = result.Population.Mean(t => t.Choices.Get<bool>((Address)i / "wide") ? 1 : 0);
        }
        var (mean, se) = MeanSe(ratios);
        Assert.True(Math.Abs(mean - 1) <= 4.5 * se, $"mean Ẑ/Z {mean} ± {se}");
        var (wm, wse) = MeanSe(wrong);
        Assert.True(Math.Abs(wm - 1) > 4.5 * wse, $"negative control passed: {wm} ± {wse}");
        var (pw, pse) = MeanSe(wides);
        Assert.True(Math.Abs(pw - exactWide) <= 5 * pse, $"P(wide | y) {pw} ± {pse}, exact {exactWide}");
        Assert.True(Math.Abs(pw - WideProbability) > 5 * pse, $"the prior {WideProbability} is not rejected ({pw} ± {pse})");
    }

    [Fact]
    public void APlateWhoseKernelIsASwitchRunsThroughMapSmc()
    {
        // Known sensors: item i's branch is an argument, so the Switch is the kernel itself; a latent x per item.
        var sensors = new Switch<double, double>("latent-sensors",
            DynamicModel.Create<double, double>("narrow", (t, m) => t.Sample("y", new Normal(t.Sample("x", new Normal(m, 1)), 1))),
            DynamicModel.Create<double, double>("wide", (t, m) => t.Sample("y", new Normal(t.Sample("x", new Normal(m, 1)), 3))));
        var plate = new Map<(int Branch, double Args), double>(sensors);
        var items = Ys.Select((_, k) => (k % 2, M)).ToArray();
        var logZ = Ys.Select((y, k) => new Normal(M, Math.Sqrt(1 + (k % 2 == 0 ? 1 : 9))).LogDensity(y)).Sum();
        var rng = new Rng(29);
        const int runs = 1000;
        var ratios = new double[runs];
        var swapped = new double[runs];
        var swappedItems = items.Select(a => (1 - a.Item1, a.Item2)).ToArray();
        for (var r = 0; r < runs; r++)
        {
            ratios[r] = Math.Exp(MapSmc.Run(plate, items, Observations(), 10, rng).LogEvidence - logZ);
            // Negative control: the same observations under the other sensors.
            swapped[r] = Math.Exp(MapSmc.Run(plate, swappedItems, Observations(), 10, rng).LogEvidence - logZ);
        }
        var (mean, se) = MeanSe(ratios);
        Assert.True(Math.Abs(mean - 1) <= 4.5 * se, $"mean Ẑ/Z {mean} ± {se}");
        var (sm, sse) = MeanSe(swapped);
        Assert.True(Math.Abs(sm - 1) > 4.5 * sse, $"negative control passed: {sm} ± {sse}");
    }

    // ------------------------------------------------------------------ errors

    [Fact]
    public void BadInputIsRejectedWithTheCountsAddressesAndValuesNamed()
    {
        var model = MakeModel();
        var tooFew = Observations().Take(Ys.Length - 1).ToList();
        var e1 = Assert.Throws<ArgumentException>(() => MapSmc.Run(model, Ms, tooFew, 10, new Rng(1)));
        Assert.Contains($"{Ys.Length} items but {Ys.Length - 1} observation maps", e1.Message);
        Assert.Equal("observations", e1.ParamName);

        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => MapSmc.Run(model, Ms, Observations(), 0, new Rng(1)));
        Assert.Equal("particles", e2.ParamName);
        Assert.Contains("got 0", e2.Message);

        var outside = ChoiceMap.Empty.Set((Address)0 / "y", 1.0).Set((Address)9 / "y", 1.0);
        var e3 = Assert.Throws<ArgumentException>(() => MapSmc.Run(model, Ms, outside, 10, new Rng(1)));
        Assert.Contains("'9/y'", e3.Message);
        Assert.Contains("0/… to 5/…", e3.Message);

        var misnamed = Observations().ToList();
        misnamed[3] = ChoiceMap.From(("z", 0.1));
        var e4 = Assert.Throws<UnvisitedConstraintsException>(() => MapSmc.Run(model, Ms, misnamed, 10, new Rng(1)));
        Assert.Contains((Address)3 / "z", e4.Unvisited);

        var nullEntry = Observations().ToList();
        nullEntry[2] = null!;
        var e5 = Assert.Throws<ArgumentException>(() => MapSmc.Run(model, Ms, nullEntry, 10, new Rng(1)));
        Assert.Contains("item 2", e5.Message);
    }

    [Fact]
    public void AnItemNoParticleCanExplainIsNamed()
    {
        var plate = new Map<double, double>(DynamicModel.Create<double, double>("positive-item", (t, m) =>
        {
            var x = t.Sample("x", new Normal(m, 1));
            return t.Sample("y", new Exponential(Math.Exp(x)));
        }));
        var observations = new[] { 0.5, 1.0, -1.0 }.Select(y => ChoiceMap.From(("y", y))).ToList();
        var e = Assert.Throws<InferenceException>(() => MapSmc.Run(plate, new[] { 0.0, 0.0, 0.0 }, observations, 10, new Rng(1)));
        Assert.Contains("after item 2", e.Message);
    }

    [Fact]
    public void AnEmptyPlateHasEvidenceOne()
    {
        var result = MapSmc.Run(MakeModel(), Array.Empty<double>(), Array.Empty<ChoiceMap>(), 5, new Rng(1));
        Assert.Equal(0, result.LogEvidence, 12);
        Assert.Empty(result.Steps);
    }

    private static (double Mean, double Se) MeanSe(IReadOnlyList<double> xs)
    {
        var m = xs.Average();
        return (m, Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1) / xs.Count));
    }
}
