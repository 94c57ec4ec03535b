using System.Collections.Immutable;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// E(prog): the expected value of an expectation program (a lambda over <see cref="ViContext"/> returning
/// a real per particle), as an objective to maximise. <see cref="Estimate"/> builds a surrogate whose
/// value is an estimate of the expectation and whose reverse-mode gradient is an unbiased estimate of
/// its gradient (papers.md §2.7's TorchSharp plan):
/// <list type="bullet">
/// <item>REPARAM: the graph through the draw;</item>
/// <item>REINFORCE: + stop_grad(l − b)·(log p − stop_grad(log p)), l the program's value;</item>
/// <item>ENUM: Σ_v p(v)·S_v over re-runs with the site forced to each v (S_v each branch's surrogate);</item>
/// <item>MVD: + Σ_i stop_grad(l(i) − l)·(p(i) − stop_grad(p(i))), l(i) from value-only re-runs with the site forced to i.</item>
/// </list>
/// Using the whole program's value as every site's continuation is unbiased: the part computed before a
/// site does not depend on its draw.
/// </summary>
public sealed class Expectation
{
    private readonly Func<ViContext, Tensor> _program;

    /// <summary>Wraps an expectation program.</summary>
    public Expectation(Func<ViContext, Tensor> program, int repeats = 1)
    {
        _program = program ?? throw new ArgumentNullException(nameof(program));
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "Need at least one repeat.");
        Repeats = repeats;
    }

    /// <summary>How many independent runs one estimate averages (see <see cref="Average"/>).</summary>
    public int Repeats { get; }

    /// <summary>average(prog, n): the mean of <paramref name="n"/> independent runs (sequential; use particles to vectorise).</summary>
    public Expectation Average(int n) => new(_program, Repeats * n);

    /// <summary>The program plus <paramref name="other"/> (linearity of expectation; independent randomness).</summary>
    public Expectation Plus(Expectation other, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(vi => _program(vi).Plus(other._program(vi).Times(scale)), 1);
    }

    /// <summary>
    /// One estimate with <paramref name="particles"/> vectorised copies: the surrogate is the mean over
    /// particles (and repeats) of each copy's surrogate. The program's context (<see cref="ViContext.Device"/>,
    /// <see cref="ViContext.DType"/>) creates its constants and new parameters on <paramref name="device"/> (the CPU when
    /// null) in <paramref name="dtype"/>.
    /// </summary>
    public ObjectiveEstimate Estimate(Rng rng, int particles = 1, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (particles < 1) throw new ArgumentOutOfRangeException(nameof(particles), particles, "Need at least one particle.");
        var at = new Placement(device ?? CPU, dtype);
        Tensor? total = null;
        for (var r = 0; r < Repeats; r++)
        {
            var (s, _) = Run(ImmutableDictionary<int, Tensor>.Empty, rng.NextUInt64(), particles, primal: false, at);
            var m = s.dim() == 0 ? s : s.mean(); // one particle: the value is already the mean (no extra graph node)
            total = total is null ? m : total.Plus(m);
        }
        return new(Repeats == 1 ? total! : total!.Over(Repeats));
    }

    /// <summary>
    /// The value of one estimate only (no gradient work: enumeration sites sample, MVD adds no runs), with the context on
    /// <paramref name="device"/> (the CPU when null) in <paramref name="dtype"/> as in <see cref="Estimate"/>.
    /// </summary>
    public double Value(Rng rng, int particles = 1, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(rng);
        using var scope = NewDisposeScope();
        var at = new Placement(device ?? CPU, dtype);
        double total = 0;
        for (var r = 0; r < Repeats; r++)
            total += Run(ImmutableDictionary<int, Tensor>.Empty, rng.NextUInt64(), particles, primal: true, at).S.mean().to_type(ScalarType.Float64).item<double>();
        return total / Repeats;
    }

    private readonly record struct Placement(Device Device, ScalarType DType);

    private (Tensor S, IReadOnlyDictionary<int, Tensor> ForcedLogProbs) Run(ImmutableDictionary<int, Tensor> plan, ulong seed, int particles, bool primal, Placement at)
    {
        var vi = new ViContext(seed, particles, plan, primal, at.Device, at.DType);
        Tensor l;
        try
        {
            if (primal)
            {
                using var ng = no_grad();
                l = _program(vi);
            }
            else
            {
                l = _program(vi);
            }
        }
        catch (BranchRequest b) when (ReferenceEquals(b.Context, vi))
        {
            Tensor? total = null;
            IReadOnlyDictionary<int, Tensor>? first = null;
            foreach (var v in b.Values)
            {
                var (sv, lps) = Run(plan.SetItem(b.Site, v), seed, particles, primal: false, at);
                var p = lps[b.Site].exp();
                // A value of mass zero contributes nothing, even where its branch's loss is −∞.
                var term = where(p.Gt(0), p * sv, zeros_like(sv));
                total = total is null ? term : total.Plus(term);
                first ??= lps;
            }
            return (total!, first!);
        }
        if (vi.Cost is { } cost) l = l.Plus(cost);
        if (particles > 1 && l.dim() == 0) l = l.expand(particles);
        if (primal) return (l.detach(), vi.ForcedLogProbs);

        var s = l;
        foreach (var (lp, baseline) in vi.Reinforce)
        {
            var b = baseline?.Current(l);
            s = s.Plus(ViContext.ScoreTerm(b is null ? l : l - b, lp));
            if (b is not null && baseline!.FittingTerm(l, b) is { } fit) s = s.Plus(fit);
        }
        foreach (var (lp, baseline) in vi.Reinforce) baseline?.Observe(l);
        foreach (var (site, d, value) in vi.Mvd) s = s.Plus(MvdTerm(vi, site, d, value, l, plan, seed, particles, at));
        return (s, vi.ForcedLogProbs);
    }

    private Tensor MvdTerm(ViContext vi, int site, Distributions.Tensors.TensorDistribution d, Tensor value, Tensor l,
        ImmutableDictionary<int, Tensor> plan, ulong seed, int particles, Placement at)
    {
        var values = vi.SupportValues(d, value, null);
        var ld = l.detach();
        Tensor? term = null;
        if (values.Count == 2)
        {
            // Bernoulli-like: one counterfactual run at the other value, per particle.
            var other = values[0].Plus(values[1]) - value;
            var lOther = Run(plan.SetItem(site, other), seed, particles, primal: true, at).S;
            for (var i = 0; i < 2; i++)
            {
                var li = where(value.eq(values[i]), ld, lOther);
                var t = ViContext.ScoreTerm(li - ld, vi.LogProb(d, values[i]).exp());
                term = term is null ? t : term.Plus(t);
            }
            return term!;
        }
        foreach (var vi_ in values)
        {
            var here = value.eq(vi_);
            Tensor li;
            if (here.all().item<bool>()) li = ld;
            else li = where(here, ld, Run(plan.SetItem(site, vi_), seed, particles, primal: true, at).S);
            var t = ViContext.ScoreTerm(li - ld, vi.LogProb(d, vi_).exp());
            term = term is null ? t : term.Plus(t);
        }
        return term!;
    }
}
