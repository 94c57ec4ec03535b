namespace Ppl.Inference.Mcmc;

/// <summary>
/// The No-U-Turn sampler as Stan runs it (Hoffman and Gelman 2014; Betancourt 2017): the trajectory
/// doubles in a random direction until the generalized no-U-turn criterion p♯ᵀρ &gt; 0 fails at the ends
/// of the whole tree, of every subtree, and of every pair of merged subtrees extended by one point
/// across the seam; states are drawn multinomially (uniform-progressive inside subtrees, biased towards
/// the new subtree at the top), a subtree whose energy error exceeds <see cref="GradientKernel.MaxDeltaH"/>
/// is divergent and rejected, and depth stops at <see cref="MaxTreeDepth"/>.
/// </summary>
public sealed class NutsKernel : GradientKernel
{
    [ThreadStatic]
    private static Workspace? t_workspace;

    /// <summary>Maximum tree depth (default 10: at most 1023 leapfrog steps).</summary>
    public int MaxTreeDepth { get; init; } = 10;

    /// <inheritdoc />
    protected override (double[] Position, double LogDensity, double[] Gradient, TransitionStats Stats) Transition(
        IDifferentiableDensity density, GradientState state, Rng rng)
    {
        var n = state.Position.Length;
        var w = t_workspace;
        if (w is null || w.N != n || w.Levels.Length < MaxTreeDepth + 1) t_workspace = w = new Workspace(n, MaxTreeDepth + 1);
        var b = new Builder(density, state.Metric, state.StepSize, rng, w, MaxDeltaH);

        var p0 = new double[n];
        state.Metric.SampleMomentum(rng, p0);
        b.H0 = Leapfrog.Hamiltonian(state.LogDensity, state.Metric, p0);

        // The two ends of the trajectory, and the sample drawn so far.
        var plus = w.Plus;
        var minus = w.Minus;
        plus.Set(state.Position, p0, state.Gradient, state.LogDensity);
        minus.Set(state.Position, p0, state.Gradient, state.LogDensity);
        var sample = new Point(n);
        sample.Set(state.Position, p0, state.Gradient, state.LogDensity);
        var propose = w.Propose;

        var rho = w.Rho;
        p0.CopyTo(rho, 0);
        state.Metric.Velocity(p0, w.PSharpPlus);
        w.PSharpPlus.CopyTo(w.PSharpMinus, 0);
        p0.CopyTo(w.PPlus, 0);
        p0.CopyTo(w.PMinus, 0);

        double logSumWeight = 0; // the initial point has weight exp(H0 − H0) = 1
        var depth = 0;
        while (depth < MaxTreeDepth)
        {
            var rhoNew = w.RhoNew;
            Array.Clear(rhoNew);
            var lswNew = double.NegativeInfinity;
            bool valid;
            var forward = rng.NextDouble() > 0.5;
            // The end of the old tree next to the new subtree (its p and p♯), kept for the seam checks.
            var nearP = forward ? w.PPlus : w.PMinus;
            var nearPSharp = forward ? w.PSharpPlus : w.PSharpMinus;
            nearP.CopyTo(w.OldNearP, 0);
            nearPSharp.CopyTo(w.OldNearPSharp, 0);
            var z = forward ? plus : minus;
            // The new subtree starts next to the old tree and ends at the new far end.
            valid = b.Build(depth, forward ? 1 : -1, z, propose, w.NewBegPSharp, nearPSharp, rhoNew, w.NewBegP, nearP, ref lswNew);
            if (!valid) break;
            depth++;

            if (lswNew > logSumWeight) sample.CopyFrom(propose);
            else if (rng.NextDouble() < Math.Exp(lswNew - logSumWeight)) sample.CopyFrom(propose);
            logSumWeight = LogAddExp(logSumWeight, lswNew);

            // rhoOld (before adding) is needed for the seam check on the old side.
            var persist = true;
            var tmp = w.RhoTmp;
            for (var i = 0; i < n; i++) tmp[i] = rho[i] + w.NewBegP[i];
            var farPSharp = forward ? w.PSharpMinus : w.PSharpPlus;
            persist &= Criterion(farPSharp, w.NewBegPSharp, tmp);
            for (var i = 0; i < n; i++) tmp[i] = rhoNew[i] + w.OldNearP[i];
            persist &= Criterion(w.OldNearPSharp, nearPSharp, tmp);
            for (var i = 0; i < n; i++) rho[i] += rhoNew[i];
            persist &= Criterion(w.PSharpMinus, w.PSharpPlus, rho);
            if (!persist) break;
        }

        var acceptStat = b.Leapfrogs == 0 ? 0 : b.SumMetropolis / b.Leapfrogs;
        var energy = Leapfrog.Hamiltonian(sample.LogP, state.Metric, sample.P);
        var moved = !sample.Q.AsSpan().SequenceEqual(state.Position);
        return ((double[])sample.Q.Clone(), sample.LogP, (double[])sample.G.Clone(),
            new TransitionStats(acceptStat, state.StepSize, depth, b.Leapfrogs, b.Divergent, energy, moved));
    }

    private static bool Criterion(double[] pSharpA, double[] pSharpB, double[] rho)
    {
        double a = 0, c = 0;
        for (var i = 0; i < rho.Length; i++)
        {
            a += pSharpA[i] * rho[i];
            c += pSharpB[i] * rho[i];
        }
        return a > 0 && c > 0;
    }

    private static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        return Math.Max(a, b) + Math.Log(1 + Math.Exp(-Math.Abs(a - b)));
    }

    /// <summary>A phase-space point: position, momentum, gradient, log density.</summary>
    private sealed class Point(int n)
    {
        public readonly double[] Q = new double[n], P = new double[n], G = new double[n];
        public double LogP;

        public void Set(double[] q, double[] p, double[] g, double logp)
        {
            q.CopyTo(Q, 0);
            p.CopyTo(P, 0);
            g.CopyTo(G, 0);
            LogP = logp;
        }

        public void CopyFrom(Point o) => Set(o.Q, o.P, o.G, o.LogP);
    }

    /// <summary>Buffers for one subtree level, reused across transitions so tree building allocates nothing.</summary>
    private sealed class Level(int n)
    {
        public readonly double[] PSharpInitEnd = new double[n], PInitEnd = new double[n], RhoInit = new double[n];
        public readonly double[] PSharpFinalBeg = new double[n], PFinalBeg = new double[n], RhoFinal = new double[n];
        public readonly Point ProposeFinal = new(n);
        public readonly double[] Tmp = new double[n];
    }

    private sealed class Workspace(int n, int levels)
    {
        public readonly int N = n;
        public readonly Level[] Levels = Enumerable.Range(0, levels).Select(_ => new Level(n)).ToArray();
        public readonly Point Plus = new(n), Minus = new(n), Propose = new(n);
        public readonly double[] Rho = new double[n], RhoNew = new double[n], RhoTmp = new double[n], Scratch = new double[n];
        public readonly double[] PSharpPlus = new double[n], PSharpMinus = new double[n], PPlus = new double[n], PMinus = new double[n];
        public readonly double[] NewBegP = new double[n], NewBegPSharp = new double[n], OldNearP = new double[n], OldNearPSharp = new double[n];
    }

    private sealed class Builder(IDifferentiableDensity density, Metric metric, double eps, Rng rng, Workspace w, double maxDeltaH)
    {
        public double H0;
        public int Leapfrogs;
        public double SumMetropolis;
        public bool Divergent;

        /// <summary>
        /// Builds a subtree of 2^depth leapfrog steps from <paramref name="z"/> (advanced in place to the
        /// subtree's far end) in direction <paramref name="sign"/>. Outputs p and p♯ at its first
        /// (<paramref name="pBeg"/>) and last (<paramref name="pEnd"/>) points, adds its momenta to
        /// <paramref name="rho"/>, its weights to <paramref name="logSumWeight"/>, and leaves a multinomial
        /// draw from it in <paramref name="propose"/>. False when it diverged or U-turned inside.
        /// </summary>
        public bool Build(int depth, int sign, Point z, Point propose, double[] pSharpBeg, double[] pSharpEnd,
            double[] rho, double[] pBeg, double[] pEnd, ref double logSumWeight)
        {
            if (depth == 0)
            {
                z.LogP = Leapfrog.Step(density, metric, z.Q, z.P, z.G, sign * eps, w.Scratch);
                Leapfrogs++;
                var h = Leapfrog.Hamiltonian(z.LogP, metric, z.P);
                if (h - H0 > maxDeltaH) Divergent = true;
                logSumWeight = LogAddExp(logSumWeight, H0 - h);
                SumMetropolis += H0 - h > 0 ? 1 : Math.Exp(H0 - h);
                propose.CopyFrom(z);
                for (var i = 0; i < rho.Length; i++) rho[i] += z.P[i];
                metric.Velocity(z.P, pSharpBeg);
                pSharpBeg.CopyTo(pSharpEnd, 0);
                z.P.CopyTo(pBeg, 0);
                z.P.CopyTo(pEnd, 0);
                return !Divergent;
            }

            var l = w.Levels[depth];
            Array.Clear(l.RhoInit);
            var lswInit = double.NegativeInfinity;
            if (!Build(depth - 1, sign, z, propose, pSharpBeg, l.PSharpInitEnd, l.RhoInit, pBeg, l.PInitEnd, ref lswInit)) return false;

            Array.Clear(l.RhoFinal);
            var lswFinal = double.NegativeInfinity;
            if (!Build(depth - 1, sign, z, l.ProposeFinal, l.PSharpFinalBeg, pSharpEnd, l.RhoFinal, l.PFinalBeg, pEnd, ref lswFinal)) return false;

            var lswSubtree = LogAddExp(lswInit, lswFinal);
            logSumWeight = LogAddExp(logSumWeight, lswSubtree);
            // Uniform-progressive multinomial choice between the halves.
            if (lswFinal > lswSubtree || rng.NextDouble() < Math.Exp(lswFinal - lswSubtree)) propose.CopyFrom(l.ProposeFinal);

            var t = l.Tmp;
            for (var i = 0; i < t.Length; i++) t[i] = l.RhoInit[i] + l.RhoFinal[i];
            for (var i = 0; i < t.Length; i++) rho[i] += t[i];
            var persist = Criterion(pSharpBeg, pSharpEnd, t);
            for (var i = 0; i < t.Length; i++) t[i] = l.RhoInit[i] + l.PFinalBeg[i];
            persist &= Criterion(pSharpBeg, l.PSharpFinalBeg, t);
            for (var i = 0; i < t.Length; i++) t[i] = l.RhoFinal[i] + l.PInitEnd[i];
            persist &= Criterion(l.PSharpInitEnd, pSharpEnd, t);
            return persist;
        }
    }
}
