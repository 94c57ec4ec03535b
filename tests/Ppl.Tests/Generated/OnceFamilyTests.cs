using Ppl.Distributions;
using Ppl.Modeling;
using Xunit;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Tests.Generated;

/// <summary>
/// Models for observations in loops. Where the generator proves an address family visited at most once per run
/// (<c>"y"</c> indexed by its own <c>for</c> loop's variable), Assess skips the address and the visit record; where the
/// proof does not apply, duplicates must still be caught.
/// </summary>
public static partial class OnceFamilyModels
{
    /// <summary>Proven: <c>y/i</c> in its own loop, with static choices around it.</summary>
    [Model]
    public static double Regression(double[] xs, double[] ys)
    {
        var a = Sample(Normal(0, 1), "a");
        var s = Sample(HalfNormal(1), "s");
        for (var i = 0; i < xs.Length; i++) Observe(Normal(a * xs[i], s), ys[i], "y", i);
        return a;
    }

    /// <summary>Proven: a vector of coefficients and the observations, each in its own loop (the loop regression benchmark).</summary>
    [Model]
    public static double Coefficients(double[][] xs, double[] ys)
    {
        var d = xs[0].Length;
        var w = new double[d];
        for (var j = 0; j < d; j++) w[j] = Sample(Normal(0, 1), "w", j);
        for (var i = 0; i < xs.Length; i++)
        {
            var mean = 0.0;
            for (var j = 0; j < d; j++) mean += xs[i][j] * w[j];
            Observe(Normal(mean, 1), ys[i], "y", i);
        }
        return w[0];
    }

    /// <summary>Proven: choices whose indices start anywhere (a trace's column index holds dense ones from 0 only).</summary>
    [Model]
    public static double Offset(int start)
    {
        var total = 0.0;
        for (var j = start; j < start + 3; j++) total += Sample(Normal(total, 1), "w", j);
        Observe(Normal(total, 1), 0.5, "y");
        return total;
    }

    /// <summary>Proven; the data can hold a NaN, a bad scale, or an index out of range (model code failing after visits).</summary>
    [Model]
    public static double Checked(double[] ys, double[] sigmas, int[] which)
    {
        var m = Sample(Normal(0, 1), "m");
        for (var i = 0; i < ys.Length; i++) Observe(Normal(m, sigmas[which[i]]), ys[i], "y", i);
        return m;
    }

    /// <summary>Not proven: a nested loop visits <c>y/i</c> twice (the mistake PPL0002 reports; here on purpose).</summary>
    [Model]
    public static double Nested(int n)
    {
        for (var i = 0; i < n; i++)
            for (var j = 0; j < 2; j++)
#pragma warning disable PPL0002
                Observe(Normal(0, 1), 0.5, "y", i);
#pragma warning restore PPL0002
        return 0;
    }

    /// <summary>Not proven: the body writes the loop variable, and goes back once.</summary>
    [Model]
    public static double Rewinds(int n)
    {
        var again = true;
        for (var i = 0; i < n; i++)
        {
            Observe(Normal(0, 1), 0.5, "y", i);
            if (i == 1 && again)
            {
                again = false;
                i--;
            }
        }
        return 0;
    }

    /// <summary>Not proven: two sites share the family.</summary>
    [Model]
    public static double Shared(int n)
    {
        for (var i = 0; i < n; i++) Observe(Normal(0, 1), 0.5, "y", i);
        for (var k = 0; k < n; k++) Observe(Normal(0, 2), 0.5, "y", k);
        return 0;
    }
}

/// <summary>The dynamic twins of <see cref="OnceFamilyModels"/>.</summary>
public static class OnceFamilyDyn
{
    public static readonly DynamicModel<(double[], double[]), double> Regression = DynamicModel.Create<(double[], double[]), double>("Regression", (tr, args) =>
    {
        var (xs, ys) = args;
        var a = tr.Sample("a", new Normal(0, 1));
        var s = tr.Sample("s", new HalfNormal(1));
        for (var i = 0; i < xs.Length; i++) tr.Observe(new Address("y", i), new Normal(a * xs[i], s), ys[i]);
        return a;
    });

    public static readonly DynamicModel<(double[][], double[]), double> Coefficients = DynamicModel.Create<(double[][], double[]), double>("Coefficients", (tr, args) =>
    {
        var (xs, ys) = args;
        var d = xs[0].Length;
        var w = new double[d];
        for (var j = 0; j < d; j++) w[j] = tr.Sample(new Address("w", j), new Normal(0, 1));
        for (var i = 0; i < xs.Length; i++)
        {
            var mean = 0.0;
            for (var j = 0; j < d; j++) mean += xs[i][j] * w[j];
            tr.Observe(new Address("y", i), new Normal(mean, 1), ys[i]);
        }
        return w[0];
    });

    public static readonly DynamicModel<int, double> Offset = DynamicModel.Create<int, double>("Offset", (tr, start) =>
    {
        var total = 0.0;
        for (var j = start; j < start + 3; j++) total += tr.Sample(new Address("w", j), new Normal(total, 1));
        tr.Observe("y", new Normal(total, 1), 0.5);
        return total;
    });

    public static readonly DynamicModel<(double[], double[], int[]), double> Checked = DynamicModel.Create<(double[], double[], int[]), double>("Checked", (tr, args) =>
    {
        var (ys, sigmas, which) = args;
        var m = tr.Sample("m", new Normal(0, 1));
        for (var i = 0; i < ys.Length; i++) tr.Observe(new Address("y", i), new Normal(m, sigmas[which[i]]), ys[i]);
        return m;
    });
}

public class OnceFamilyTests
{
    private static readonly double[] Xs = { 0.5, -1.0, 2.0, 0.1, 1.5 };
    private static readonly double[] Ys = { 0.3, -0.8, 2.2, 0.0, 1.1 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryOperationAgreesWithTheDynamicTracer(int seed) =>
        Assert.True(Equivalence.Check(OnceFamilyModels.RegressionModel, OnceFamilyDyn.Regression, (Xs, Ys), (Xs, Ys.Select(y => y + 1).ToArray()), seed));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ProvenChoicesAgreeWithTheDynamicTracerInEveryOperation(int seed)
    {
        var xs = Xs.Select((x, i) => new[] { 1.0, x, x * i }).ToArray();
        Assert.True(Equivalence.Check(OnceFamilyModels.CoefficientsModel, OnceFamilyDyn.Coefficients, (xs, Ys), (xs, Ys.Select(y => y - 1).ToArray()), seed));
    }

    [Theory]
    [InlineData(0, 2, 1)]
    [InlineData(-2, 0, 2)]   // negative indices: no column, the table is read
    [InlineData(1000, 1001, 3)] // sparse from 0: no column
    [InlineData(5, 3, 4)]    // a column with holes below, and other arguments whose addresses are partly absent
    public void ChoicesAtAnyIndicesAgreeWithTheDynamicTracer(int start, int otherStart, int seed)
    {
        Assert.True(Equivalence.Check(OnceFamilyModels.OffsetModel, OnceFamilyDyn.Offset, start, otherStart, seed));
        // Assess under the other start with this start's trace: some addresses are missing, some unused.
        var g = OnceFamilyModels.OffsetModel.Simulate(start, new Rng(seed));
        var d = OnceFamilyDyn.Offset.Simulate(start, new Rng(seed));
        var eg = Assert.ThrowsAny<ModelException>(() => OnceFamilyModels.OffsetModel.Assess(otherStart, g.Choices));
        var ed = Assert.ThrowsAny<ModelException>(() => OnceFamilyDyn.Offset.Assess(otherStart, d.Choices));
        Assert.Equal(ed.GetType(), eg.GetType());
        Assert.Equal(ed.Message, eg.Message);
    }

    [Fact]
    public void AssessOfProvenChoicesNeedsEveryOneAndUsesEveryOne()
    {
        var xs = Xs.Select(x => new[] { 1.0, x }).ToArray();
        var g = OnceFamilyModels.CoefficientsModel.Simulate((xs, Ys), new Rng(3));
        var d = OnceFamilyDyn.Coefficients.Simulate((xs, Ys), new Rng(3));
        // A trace of a model with three coefficients has one the two-coefficient run does not use.
        var wide = Xs.Select(x => new[] { 1.0, x, -x }).ToArray();
        var gw = OnceFamilyModels.CoefficientsModel.Simulate((wide, Ys), new Rng(3));
        var dw = OnceFamilyDyn.Coefficients.Simulate((wide, Ys), new Rng(3));
        var missing = ChoiceMap.Empty.Set(new Address("w", 0), 0.5);
        var cases = new (Func<object> Gen, Func<object> Dyn)[]
        {
            (() => OnceFamilyModels.CoefficientsModel.Assess((wide, Ys), g.Choices), () => OnceFamilyDyn.Coefficients.Assess((wide, Ys), d.Choices)),
            (() => OnceFamilyModels.CoefficientsModel.Assess((xs, Ys), gw.Choices), () => OnceFamilyDyn.Coefficients.Assess((xs, Ys), dw.Choices)),
            (() => OnceFamilyModels.CoefficientsModel.Assess((xs, Ys), missing), () => OnceFamilyDyn.Coefficients.Assess((xs, Ys), missing)),
        };
        foreach (var (gen, dyn) in cases)
        {
            var eg = Assert.ThrowsAny<ModelException>(gen);
            var ed = Assert.ThrowsAny<ModelException>(dyn);
            Assert.Equal(ed.GetType(), eg.GetType());
            Assert.Equal(ed.Message, eg.Message);
        }
        Assert.Equal(d.Score, OnceFamilyModels.CoefficientsModel.Assess((xs, Ys), g.Choices).Weight, 10);
    }

    [Fact]
    public void AssessThroughATraceAndThroughPlainMapsMatchesTheHandWrittenDensity()
    {
        var t = OnceFamilyModels.RegressionModel.Simulate((Xs, Ys), new Rng(4));
        double a = t.Choices.Get<double>("a"), s = t.Choices.Get<double>("s");
        var expected = new Normal(0, 1).LogDensity(a) + new HalfNormal(1).LogDensity(s)
                       + Xs.Select((x, i) => new Normal(a * x, s).LogDensity(Ys[i])).Sum();
        Assert.Equal(expected, OnceFamilyModels.RegressionModel.Assess((Xs, Ys), t.Choices).Weight, 10);
        var map = ChoiceMap.Empty.Set("a", a).Set("s", s);
        Assert.Equal(expected, OnceFamilyModels.RegressionModel.Assess((Xs, Ys), map).Weight, 10);
        // The observations' values among the constraints (Assess accepts them): the family keeps its records then.
        var withObservations = Ys.Select((y, i) => (i, y)).Aggregate(map, (m, p) => m.Set(new Address("y", p.i), p.y));
        Assert.Equal(expected, OnceFamilyModels.RegressionModel.Assess((Xs, Ys), withObservations).Weight, 10);
    }

    [Fact]
    public void AssessOfAProvenLoopThroughATraceAllocatesNothing()
    {
        var t = OnceFamilyModels.RegressionModel.Simulate((Xs, Ys), new Rng(4));
        var choices = t.Choices;
        double sink = 0;
        for (var k = 0; k < 200; k++) sink += OnceFamilyModels.RegressionModel.Assess((Xs, Ys), choices).Weight;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var k = 0; k < 100; k++) sink += OnceFamilyModels.RegressionModel.Assess((Xs, Ys), choices).Weight;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.False(double.IsNaN(sink));
    }

    [Fact]
    public void ErrorsInAProvenLoopNameTheAddressAsTheRecordedPathDoes()
    {
        double[] sigmas = { 1.0, -2.0 };
        var ok = new[] { 0, 0, 0, 0 };
        var ys = new[] { 0.1, 0.2, 0.3, 0.4 };
        var t = OnceFamilyModels.CheckedModel.Simulate((ys, sigmas, ok), new Rng(1));
        var d = OnceFamilyDyn.Checked.Simulate((ys, sigmas, ok), new Rng(1));
        var nan = new[] { 0.1, 0.2, double.NaN, 0.4 };
        var badScale = new[] { 0, 0, 1, 0 };
        var outOfRange = new[] { 0, 0, 0, 7 };
        var cases = new (object Args, string Address)[]
        {
            ((nan, sigmas, ok), "y/2"),
            ((ys, sigmas, badScale), "y/2"),
            ((ys, sigmas, outOfRange), "y/2"), // the model's own error after y/2: it names the last address visited
        };
        foreach (var (boxed, address) in cases)
        {
            var args = ((double[], double[], int[]))boxed;
            // Through the trace's own choices and through a plain map: both take the unrecorded path first.
            foreach (var (gc, dc) in new[] { (t.Choices, d.Choices), (ChoiceMap.Empty.Set("m", 0.3), ChoiceMap.Empty.Set("m", 0.3)) })
            {
                var eg = Assert.ThrowsAny<ModelException>(() => OnceFamilyModels.CheckedModel.Assess(args, gc));
                var ed = Assert.ThrowsAny<ModelException>(() => OnceFamilyDyn.Checked.Assess(args, dc));
                Assert.Equal(ed.GetType(), eg.GetType());
                Assert.Equal(ed.Message, eg.Message);
                Assert.Equal(address, eg.Address?.ToString());
            }
        }
        // Constraints the model never visits (the list of visited addresses in the message includes the family), also
        // beside the observations' own values (counted, not recorded) and under the family's name.
        var withValues = ys.Select((y, i) => (i, y)).Aggregate(ChoiceMap.Empty.Set("m", 0.3), (m, p) => m.Set(new Address("y", p.i), p.y));
        var strays = new[]
        {
            ChoiceMap.Empty.Set("m", 0.3).Set("zz", 1.0),
            withValues.Set("zz", 1.0),
            withValues.Set(new Address("y", 9), 1.0),
            ChoiceMap.Empty.Set("m", 0.3).Set(new Address("y", 9), 1.0),
        };
        foreach (var stray in strays)
        {
            var ug = Assert.ThrowsAny<ModelException>(() => OnceFamilyModels.CheckedModel.Assess((ys, sigmas, ok), stray));
            var ud = Assert.ThrowsAny<ModelException>(() => OnceFamilyDyn.Checked.Assess((ys, sigmas, ok), stray));
            Assert.Equal(ud.GetType(), ug.GetType());
            Assert.Equal(ud.Message, ug.Message);
        }
        Assert.Equal(OnceFamilyDyn.Checked.Assess((ys, sigmas, ok), withValues).Weight, OnceFamilyModels.CheckedModel.Assess((ys, sigmas, ok), withValues).Weight, 12);
    }

    [Fact]
    public void DuplicatesAreStillCaughtWhereTheProofDoesNotApply()
    {
        var cases = new Func<object>[]
        {
            () => OnceFamilyModels.NestedModel.Assess(3, ChoiceMap.Empty),
            () => OnceFamilyModels.NestedModel.Simulate(3, new Rng(1)),
            () => OnceFamilyModels.RewindsModel.Assess(3, ChoiceMap.Empty),
            () => OnceFamilyModels.RewindsModel.Simulate(3, new Rng(1)),
            () => OnceFamilyModels.SharedModel.Assess(2, ChoiceMap.Empty),
            () => OnceFamilyModels.SharedModel.Simulate(2, new Rng(1)),
        };
        var addresses = new[] { "y/0", "y/0", "y/1", "y/1", "y/0", "y/0" };
        for (var k = 0; k < cases.Length; k++)
        {
            var e = Assert.ThrowsAny<ModelException>(cases[k]);
            Assert.Contains($"'{addresses[k]}' twice", e.Message);
        }
    }
}
