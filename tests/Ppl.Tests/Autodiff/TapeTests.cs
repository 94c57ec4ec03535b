using Ppl.Autodiff;
using Xunit;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The tape's sweep: constant and missing parents point at their node itself with partial 0 (not at a shared sink), so
/// the adjoints must be those of the chain rule whatever mixes of constants, shared inputs and infinite partials occur.
/// </summary>
public class TapeTests
{
    [Fact]
    public void AdjointsFollowTheChainRuleThroughConstantsAndSharedInputs()
    {
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.7);
        var y = tape.Variable(-1.3);
        var a = x * 2.0;             // a constant second operand
        var b = 3.0 - y;             // a constant first operand
        var c = a * b + RealMath.Exp(a) * y;
        var d = RealMath.Sin(c) + c * c;
        tape.Backward(d);
        // d = sin(c) + c², c = 2x(3 − y) + e^{2x} y.
        var cv = 2 * 0.7 * (3 + 1.3) + Math.Exp(1.4) * -1.3;
        var dc = Math.Cos(cv) + 2 * cv;
        Assert.Equal(dc * (2 * (3 + 1.3) + 2 * Math.Exp(1.4) * -1.3), tape.Adjoint(x), 12);
        Assert.Equal(dc * (-2 * 0.7 + Math.Exp(1.4)), tape.Adjoint(y), 12);
        // An intermediate's adjoint is its own partial of the output too.
        Assert.Equal(dc, tape.Adjoint(c), 12);
        Assert.Equal(dc * (2 * 0.7), tape.Adjoint(b), 12);
    }

    [Fact]
    public void AnInfiniteDerivativeReachesTheVariableAsInfinity()
    {
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.0);
        var z = RealMath.Sqrt(x * 2.0); // d/dx √(2x) at 0 is +∞
        tape.Backward(z);
        Assert.Equal(double.PositiveInfinity, tape.Adjoint(x));
    }

    [Fact]
    public void AddMulAndMulAddAreTheExpressionAsOneNode()
    {
        var tape = Tape.Current;
        double[] p = [0.3, -1.7, 2.9];
        tape.Reset();
        var v = p.Select(tape.Variable).ToArray();
        var before = tape.Count;
        var f = RealMath.AddMul(v[0], v[1], v[2]);
        Assert.Equal(before + 1, tape.Count);
        RealMath.AddMul(v[0], v[1], v[2]);
        Assert.Equal(before + 2, tape.Count); // the plain form looks nothing up
        Assert.Equal(p[0] + p[1] * p[2], f.Value); // bit for bit: the product rounded, then the sum
        tape.Backward(f);
        Assert.Equal([1.0, p[2], p[1]], v.Select(tape.Adjoint));
        tape.Reset();
        v = p.Select(tape.Variable).ToArray();
        var g = RealMath.MulAdd(v[1], v[2], v[0]);
        Assert.Equal(p[1] * p[2] + p[0], g.Value);
        tape.Backward(g);
        Assert.Equal([1.0, p[2], p[1]], v.Select(tape.Adjoint));
        Assert.Equal(p[0] + p[1] * p[2], RealMath.AddMul(p[0], p[1], p[2]));
        Assert.True(RealMath.AddMul(1.0, 2.0, (Real)3.0).IsConstant);
    }

    [Fact]
    public void AddMulOfTheSameThreeNodesIsOneSharedNode_AndItsAdjointSumsEveryUse()
    {
        // A hierarchical model's location per row, mu + tau * z[group[i]]: one node per group, not per row.
        var tape = Tape.Current;
        tape.Reset();
        double[] z0 = [0.4, -1.2, 2.1];
        int[] group = [0, 0, 1, 1, 1, 2, 0];
        double[] weight = [0.5, -1.5, 2.0, 0.25, -0.75, 3.0, 1.25];
        var mu = tape.Variable(0.3);
        var tau = tape.Variable(1.7);
        var z = z0.Select(tape.Variable).ToArray();
        var before = tape.Count;
        var location = group.Select(g => RealMath.AddMulShared(mu, tau, z[g])).ToArray();
        Assert.Equal(before + 3, tape.Count);
        for (var i = 0; i < group.Length; i++) Assert.Equal(0.3 + 1.7 * z0[group[i]], location[i].Value);
        var f = Real.FromPartials(location.Zip(weight, (l, w) => w * l.Value).Sum(), location, weight);
        tape.Backward(f);
        Assert.Equal(weight.Sum(), tape.Adjoint(mu), 12);
        Assert.Equal(group.Select((g, i) => weight[i] * z0[g]).Sum(), tape.Adjoint(tau), 12);
        for (var k = 0; k < 3; k++)
            Assert.Equal(1.7 * group.Select((g, i) => g == k ? weight[i] : 0).Sum(), tape.Adjoint(z[k]), 12);
    }

    [Fact]
    public void ASharedNodeIsNeverReusedAcrossResets_NorForAnotherFunctionOrAConstantOperand()
    {
        var tape = Tape.Current;
        tape.Reset();
        var a = tape.Variable(1.0);
        var b = tape.Variable(2.0);
        var c = tape.Variable(3.0);
        var old = RealMath.AddMulShared(a, b, c);
        tape.Reset();
        // The same variables' indices, and another node where the old AddMul was: a stale entry would return it.
        a = tape.Variable(1.5);
        b = tape.Variable(-2.0);
        c = tape.Variable(0.5);
        var other = a * b;
        Assert.Equal(old.Index, other.Index);
        var fresh = RealMath.AddMulShared(a, b, c);
        Assert.NotEqual(other.Index, fresh.Index);
        tape.Backward(fresh);
        Assert.Equal([1.0, 0.5, -2.0], new[] { a, b, c }.Select(tape.Adjoint));
        // MulAdd(a, b, c) = a·b + c is another function of the same three nodes.
        tape.Reset();
        a = tape.Variable(1.5);
        b = tape.Variable(-2.0);
        c = tape.Variable(0.5);
        var addMul = RealMath.AddMulShared(a, b, c);
        var mulAdd = RealMath.MulAddShared(a, b, c);
        Assert.NotEqual(addMul.Index, mulAdd.Index);
        Assert.Equal(1.5 * -2.0 + 0.5, mulAdd.Value);
        // A constant operand has no identity: each call records its own node.
        var count = tape.Count;
        RealMath.AddMulShared(a, 2.0, c);
        RealMath.AddMulShared(a, 3.0, c);
        Assert.Equal(count + 2, tape.Count);
    }

    [Fact]
    public void TakingTheLastNodeReturnsItsParents_AndRefusesVariablesSharedNodesAndEarlierNodes()
    {
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.7);
        var y = tape.Variable(-1.3);
        Assert.False(tape.TryTakeLast(y.Index, out _, out _, out _, out _, out _, out _)); // a variable
        var p = x * y;
        var q = x + 2.0;
        Assert.False(tape.TryTakeLast(p.Index, out _, out _, out _, out _, out _, out _)); // not the last
        var count = tape.Count;
        Assert.True(tape.TryTakeLast(q.Index, out var p1, out var d1, out var p2, out _, out var p3, out _));
        Assert.Equal(count - 1, tape.Count);
        Assert.Equal((x.Index, 1.0, 0, 0), (p1, d1, p2, p3));
        var s = RealMath.AddMulShared(x, y, p);
        Assert.False(tape.TryTakeLast(s.Index, out _, out _, out _, out _, out _, out _)); // shared: a later AddMul may return it
        Assert.Equal(s.Index, RealMath.AddMulShared(x, y, p).Index);
    }

    [Fact]
    public void ARepeatedParentInAChainAddsToItsPartial()
    {
        var tape = Tape.Current;
        tape.Reset();
        var a = tape.Variable(1.0);
        var b = tape.Variable(2.0);
        var before = tape.Count;
        Real[] parents = [a, a, a, b, a, b, b];
        double[] partials = [1, 2, 3, 4, 5, 6, 7];
        var f = Real.FromPartials(0.0, parents, partials);
        // Four runs of equal parents: (a, b, a, b) take four slots, two nodes.
        Assert.Equal(before + 2, tape.Count);
        tape.Backward(f);
        Assert.Equal(11.0, tape.Adjoint(a));
        Assert.Equal(17.0, tape.Adjoint(b));
    }

    [Fact]
    public void TheSeededSweepOfAnUnrecordedSumEqualsTheSweepOfTheRecordedSum()
    {
        var tape = Tape.Current;
        double[] p = [0.7, -1.3, 2.2];
        double[] Gradient(bool recorded)
        {
            tape.Reset();
            var v = p.Select(tape.Variable).ToArray();
            var a = RealMath.Exp(v[0] * v[1]);
            var b = RealMath.Sin(v[2]) + v[0];
            Real[] terms = [a, 4.0, b, a];                     // a constant term, and a term twice
            int[] parents = [v[1].Index, b.Index, v[2].Index]; // taken parents with their partials
            double[] partials = [0.5, -2.0, 3.0];
            if (recorded)
            {
                var sum = Real.FromPartials(0, [.. terms, v[1], b, v[2]], [1, 1, 1, 1, .. partials]);
                tape.Backward(sum);
            }
            else tape.Backward(terms, parents, partials);
            return v.Select(tape.Adjoint).ToArray();
        }
        var expected = Gradient(recorded: true);
        var seeded = Gradient(recorded: false);
        for (var i = 0; i < p.Length; i++) Assert.Equal(expected[i], seeded[i], 12);
        // By hand: ∂/∂x₀ = 2·x₁e^{x₀x₁} + 1 − 2, ∂/∂x₁ = 2·x₀e^{x₀x₁} + 0.5, ∂/∂x₂ = cos x₂ − 2 cos x₂ + 3.
        var e = Math.Exp(p[0] * p[1]);
        Assert.Equal(2 * p[1] * e + 1 - 2, seeded[0], 12);
        Assert.Equal(2 * p[0] * e + 0.5, seeded[1], 12);
        Assert.Equal(Math.Cos(p[2]) * (1 - 2) + 3, seeded[2], 12);
    }

    [Fact]
    public void VariablesAfterTheFirstOrdinaryNodeAreSweptAsBefore_AndLeadingOnesKeepTheirAdjoints()
    {
        // The sweep stops above the leading variables; a variable made later sits among ordinary nodes and is swept.
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.5);
        var y = tape.Variable(2.0);
        var p = x * y;
        var w = tape.Variable(-1.5);
        var f = p * w + RealMath.Exp(w) * x;
        tape.Backward(f);
        Assert.Equal(2.0 * -1.5 + Math.Exp(-1.5), tape.Adjoint(x), 12);
        Assert.Equal(0.5 * -1.5, tape.Adjoint(y), 12);
        Assert.Equal(0.5 * 2.0 + Math.Exp(-1.5) * 0.5, tape.Adjoint(w), 12);
        // An infinite partial into a leading variable stays exact (its parents, the sink, are never visited).
        tape.Reset();
        var z = tape.Variable(0.0);
        tape.Backward(RealMath.Sqrt(z));
        Assert.Equal(double.PositiveInfinity, tape.Adjoint(z));
    }
}
