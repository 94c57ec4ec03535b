using Ppl.Autodiff;

namespace Ppl.Modeling;

/// <summary>
/// The loop forms of the differentiable context: what the generator emits for a model's loops over a family of sites
/// (a vector of parameters drawn in a <c>for</c> loop) and for the arrays a model creates, so that the typical model's
/// loops cost what a hand-written vectorised density costs instead of a call and a node per site and an allocation per
/// array per gradient.
/// </summary>
public sealed partial class DifferentiableContext
{
    // The arrays of this run (NewArray), reused by the next run in the same order: a model creates the same arrays, of
    // the same lengths, in every run.
    private Real[][] _arrays = new Real[8][];
    private int _arrayCount;

    // log σ of each normal observation made after its loop, by visit: (σ, log σ) pairs, NaN until written. A scale given
    // as data is the same in every run, and its logarithm was most of the observations' cost. Valid for one layout.
    private double[] _logScales = [];
    private Visit[]? _logScalesOf;

    /// <summary>
    /// An array the generated code fills whole before it reads it (a family's draws, a loop's observations, a hoisted
    /// gather), reused across runs as <see cref="NewArray"/>'s but not cleared: its entries are the previous run's until written.
    /// </summary>
    /// <param name="length">The length.</param>
    public Real[] ScratchArray(int length)
    {
        if (length < 0) throw new OverflowException($"Arithmetic operation resulted in an overflow: an array of length {length} in '{_model}'.");
        if (_arrayCount == _arrays.Length) Array.Resize(ref _arrays, _arrays.Length * 2);
        ref var slot = ref _arrays[_arrayCount++];
        return slot is { } a && a.Length == length ? a : slot = new Real[length];
    }

    /// <summary>
    /// <c>new Real[length]</c> for a model's array: all zeros (constants), as a new array is, but reused across runs.
    /// The array lives until the next <see cref="Begin"/> on this context, so it must not outlive the run: the generator
    /// uses it only for arrays the differentiable form creates, whose values leave the run as doubles.
    /// </summary>
    /// <param name="length">The length (a negative length throws as <c>new</c> does).</param>
    public Real[] NewArray(int length)
    {
        var a = ScratchArray(length);
        Array.Clear(a);
        return a;
    }

    /// <summary>
    /// <c>for (var k = from; k &lt; to; k++) into[k] = Sample(distribution, name, k)</c> with one distribution for the
    /// whole family (its parameters do not change in the loop): the same visits, values and log density as the loop.
    /// A normal family's log density is summed in one pass (its partials going straight to the total, as a vectorised
    /// <c>std_normal</c> or <c>normal</c> statement's are); any other family, a held choice, a run that lays out the form
    /// or diagnoses it, or a value outside the support takes the loop itself.
    /// </summary>
    /// <param name="name">The family's name (the address's first segment).</param>
    /// <param name="from">The first index.</param>
    /// <param name="to">One past the last index.</param>
    /// <param name="into">The array that receives the choices, at their indices.</param>
    /// <param name="distribution">The distribution of every choice of the family.</param>
    public void SampleFamily<D>(string name, int from, int to, Real[] into, D distribution) where D : struct, IRealContinuous
    {
        if (typeof(D) == typeof(RealNormal) && !_discovering && !_diagnosing && !_constrained && into is not null && from >= 0 && to <= into.Length &&
            NormalFamily(from, to, into, (RealNormal)(object)distribution))
            return;
        for (var k = from; k < to; k++) into![k] = Sample(new SiteAddress(name, k), distribution);
    }

    /// <summary>
    /// The normal family's one pass: false (with nothing consumed) where the loop must run instead (a visit that is not a
    /// coordinate, invalid parameters, a value that is not finite).
    /// </summary>
    private bool NormalFamily(int from, int to, Real[] into, RealNormal d)
    {
        var n = to - from;
        if (n <= 0) return true;
        var k0 = _k;
        var visits = _visits;
        if (!NextAre(n, VisitKind.Coordinate)) return false;
        var mu = d.Mu.Value;
        var sigma = d.Sigma.Value;
        if (!(double.IsFinite(mu) && sigma > 0 && !double.IsPositiveInfinity(sigma))) return false;
        EnsureTaken(n + 2);
        var inv = 1.0 / sigma;
        var theta = _theta;
        var parents = _takenParents;
        var partials = _takenPartials;
        var taken = _takenCount;
        var record = _record;
        double squares = 0, sum = 0;
        for (var i = 0; i < n; i++)
        {
            ref readonly var v = ref visits[k0 + i];
            var x = theta[v.Coordinate];
            into[from + i] = x;
            if (record is not null) record[v.ValueIndex] = x.Value;
            var z = (x.Value - mu) * inv;
            squares += z * z;
            sum += z;
            if (x.Index != 0)
            {
                parents[taken] = x.Index;
                partials[taken++] = -z * inv;
            }
        }
        var value = -0.5 * squares - n * ((sigma == 1 ? 0 : Math.Log(sigma)) + RealFamilies.HalfLog2Pi);
        // A value outside the support (an infinite or NaN coordinate) takes the loop, which gives each site its own term.
        if (!double.IsFinite(value)) return false;
        if (d.Mu.Index != 0)
        {
            parents[taken] = d.Mu.Index;
            partials[taken++] = sum * inv;
        }
        if (d.Sigma.Index != 0)
        {
            parents[taken] = d.Sigma.Index;
            partials[taken++] = (squares - n) * inv;
        }
        _takenCount = taken;
        _k = k0 + n;
        AddTerm(new Real(value, 0));
        return true;
    }

    /// <summary>
    /// <c>for (var k = from; k &lt; to; k++) Observe(Normal(mu[k], sigma[k]), values[k], name, k)</c>, the loop's
    /// observations made after it (the generator fills the arrays in the loop, in its order of evaluation): the same
    /// visits and log density, summed in one pass with each partial going straight to the total, as a vectorised
    /// <c>normal</c> statement's. An invalid parameter, a value outside the support, a visit that is not an observation,
    /// or a run that lays out the form or diagnoses it takes the loop itself, so errors and NaNs are those of the loop.
    /// </summary>
    /// <param name="name">The family's name (the address's first segment).</param>
    /// <param name="from">The first index.</param>
    /// <param name="to">One past the last index.</param>
    /// <param name="mu">The locations, at the observations' indices.</param>
    /// <param name="sigma">The scales, at the observations' indices.</param>
    /// <param name="values">The observed values, at their indices.</param>
    public void ObserveNormalFamily(string name, int from, int to, Real[] mu, Real[] sigma, Real[] values)
    {
        if (!_discovering && !_diagnosing && !_valuesOnly && mu is not null && sigma is not null && values is not null && from >= 0 &&
            to <= mu.Length && to <= sigma.Length && to <= values.Length && NormalObservations(from, to, mu, sigma, values))
            return;
        for (var k = from; k < to; k++) Observe(new SiteAddress(name, k), new RealNormal(mu![k], sigma![k]), values![k]);
    }

    /// <summary>The normal observations' one pass: false (with nothing consumed) where the loop must run instead.</summary>
    private bool NormalObservations(int from, int to, Real[] mu, Real[] sigma, Real[] values)
    {
        var n = to - from;
        if (n <= 0) return true;
        var k0 = _k;
        var visits = _visits;
        if (!NextAre(n, VisitKind.Observe)) return false;
        EnsureTaken(3 * n);
        var parents = _takenParents;
        var partials = _takenPartials;
        var taken = _takenCount;
        if (!ReferenceEquals(_logScalesOf, visits))
        {
            if (_logScales.Length < 2 * visits.Length) _logScales = new double[2 * visits.Length];
            _logScales.AsSpan().Fill(double.NaN);
            _logScalesOf = visits;
        }
        var logScales = _logScales;
        double total = 0;
        for (var k = from; k < to; k++)
        {
            var m = mu[k];
            var s = sigma[k];
            var x = values[k];
            var sv = s.Value;
            // The checks of RealNormal.LogDensity: a parameter error or a value outside the support goes to the loop.
            if (!(double.IsFinite(m.Value) && sv > 0 && !double.IsPositiveInfinity(sv) && double.IsFinite(x.Value))) return false;
            var inv = 1.0 / sv;
            var z = (x.Value - m.Value) / sv;
            var slot = 2 * (k0 + k - from);
            double logS;
            if (logScales[slot] == sv) logS = logScales[slot + 1];
            else
            {
                logS = Math.Log(sv);
                logScales[slot] = sv;
                logScales[slot + 1] = logS;
            }
            total += -0.5 * z * z - logS - RealFamilies.HalfLog2Pi;
            var dz = z * inv;
            if (m.Index != 0)
            {
                parents[taken] = m.Index;
                partials[taken++] = dz;
            }
            if (s.Index != 0)
            {
                parents[taken] = s.Index;
                partials[taken++] = (z * z - 1.0) * inv;
            }
            if (x.Index != 0)
            {
                parents[taken] = x.Index;
                partials[taken++] = -dz;
            }
        }
        _takenCount = taken;
        _k = k0 + n;
        AddTerm(new Real(total, 0));
        return true;
    }

    /// <summary>True when the layout's next <paramref name="n"/> visits are all of kind <paramref name="kind"/>.</summary>
    private bool NextAre(int n, VisitKind kind)
    {
        var visits = _visits;
        if ((uint)(_k + n) > (uint)visits.Length) return false;
        for (var i = _k; i < _k + n; i++)
            if (visits[i].Kind != kind) return false;
        return true;
    }

    /// <summary>Room for <paramref name="extra"/> more taken parents and partials.</summary>
    private void EnsureTaken(int extra)
    {
        if (_takenCount + extra <= _takenParents.Length) return;
        var size = Math.Max(_takenParents.Length * 2, _takenCount + extra);
        Array.Resize(ref _takenParents, size);
        Array.Resize(ref _takenPartials, size);
    }
}
