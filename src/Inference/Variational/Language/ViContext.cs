using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Distributions.Tensors;
using Ppl.Modeling;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// The effects of an expectation program (papers.md §2.2): a C# lambda <c>vi =&gt; loss</c> that draws
/// through this context and returns a real (per particle). <see cref="Expectation"/> turns it into an
/// objective whose surrogate's gradient is an unbiased estimate of the gradient of the expected value.
/// <para>
/// All randomness must go through the context (<c>Sample</c>, <see cref="Sim{TArgs,TRet}"/>,
/// <see cref="Generate{TArgs,TRet}"/>, <see cref="Minibatch"/>): the i-th draw of a run uses a stream
/// derived from the run's seed and i, which is what lets enumeration and MVD re-run the program with one
/// value forced and every earlier draw reproduced exactly.
/// </para>
/// <para>
/// Particles: with <see cref="Particles"/> = N &gt; 1 every draw gets a leading dimension N (unless its
/// distribution's batch shape already starts with N, because its parameters came from earlier draws) and
/// every log density is summed over all dimensions but that one, so the program computes N independent
/// copies of the loss at once; the objective is their mean (papers.md's <c>average</c>, vectorised). A
/// genuine leading batch dimension of size N is therefore read as the particle dimension: pick N to differ.
/// </para>
/// </summary>
public sealed partial class ViContext
{
    private readonly ulong _seed;
    private readonly ImmutableDictionary<int, Tensor> _forced;
    private readonly Stack<List<Tensor>> _captures = new();
    private int _site;
    private int _detached;
    private Tensor? _cost;

    internal ViContext(ulong seed, int particles, ImmutableDictionary<int, Tensor> forced, bool primal, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        if (dtype is not (ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16)) throw new ArgumentException($"Variational inference needs a floating dtype, got {dtype}.", nameof(dtype));
        _seed = seed;
        Particles = particles;
        _forced = forced;
        IsPrimal = primal;
        Device = device ?? CPU;
        DType = dtype;
    }

    /// <summary>
    /// Where the tensors this context creates live: its constants (<see cref="Constant"/>, the log densities of scalar
    /// observations and factors, the density of a model over doubles) and the parameters a <c>Param</c> init creates.
    /// Draws live where their distribution's parameters do.
    /// </summary>
    public Device Device { get; }

    /// <summary>The floating dtype of the tensors this context creates (see <see cref="Device"/>).</summary>
    public ScalarType DType { get; }

    /// <summary>The number of vectorised particles N (1: no particle dimension at all).</summary>
    public int Particles { get; }

    /// <summary>
    /// True in runs that only need the program's value (the counterfactual runs of MVD and plain
    /// evaluation): enumeration sites then just sample, and no estimator terms are recorded.
    /// </summary>
    public bool IsPrimal { get; }

    internal List<(Tensor LogProb, Baseline? Baseline)> Reinforce { get; } = new();

    internal List<(int Site, TensorDistribution Distribution, Tensor Value)> Mvd { get; } = new();

    internal Dictionary<int, Tensor> ForcedLogProbs { get; } = new();

    internal Tensor? Cost => _cost;

    /// <summary>A primitive draw in the expectation program with the given strategy (default: <see cref="GradientStrategy.DefaultFor"/>).</summary>
    public Tensor Sample(TensorDistribution distribution, GradientStrategy? strategy = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return Draw(distribution, strategy ?? GradientStrategy.DefaultFor(distribution), null).Value;
    }

    /// <summary>A primitive draw tagged with its strategy (as model sites write it).</summary>
    public Tensor Sample(StrategicDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return Draw(distribution.Inner, distribution.Strategy, null).Value;
    }

    /// <summary>
    /// sim{P}: runs <paramref name="model"/> drawing every choice with its site's strategy; returns the
    /// choices (tensors on the autograd graph where reparameterised) and log p(choices), differentiable.
    /// </summary>
    public ViSim<TRet> Sim<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args)
    {
        var t = RunModel(model, args, ChoiceMap.Empty, ViTracerMode.Simulate, null);
        return new(t.Choices, t.ScoreOr(this), (TRet)t.Return!);
    }

    /// <summary>
    /// Runs <paramref name="model"/> with <paramref name="constraints"/> fixed and the other choices drawn
    /// with their strategies; the weight is log p(all) − log p(drawn), the importance weight of the
    /// constrained part under the model's internal proposal.
    /// </summary>
    public ViGenerate<TRet> Generate<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap constraints)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        var t = RunModel(model, args, constraints, ViTracerMode.Generate, null);
        return new(t.Choices, t.ScoreOr(this), t.ScoreOr(this) - t.FreshOr(this), (TRet)t.Return!);
    }

    /// <summary>density{P}: log p(<paramref name="choices"/>) including observations, differentiable in the parameters and in the choice tensors.</summary>
    public Tensor Density<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        // A [Model] over doubles: its differentiable form gives the density and its exact gradient in the choices.
        if (model is IHasDifferentiableForm<TArgs> { DifferentiableForm: { } form }) return DensityThroughForm(model.Name, form, args, choices);
        return RunModel(model, args, choices, ViTracerMode.Assess, null).ScoreOr(this);
    }

    /// <summary>
    /// A "dream" from the model for the sleep phase: latent choices and the observed values are all drawn
    /// from the model (observations included), without gradients.
    /// </summary>
    public ViDream<TRet> Dream<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args)
    {
        var t = Detached(() => RunModel(model, args, ChoiceMap.Empty, ViTracerMode.Dream, null));
        return new(ViMath.Detach(t.Choices), ViMath.Detach(t.Observations), (TRet)t.Return!);
    }

    internal ViTracer RunModel<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap constraints, ViTracerMode mode, Selection? selection)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tracer = ViTracer.Run(this, model, args, constraints, mode, selection, Address.Root, out var ret);
        tracer.Return = ret;
        return tracer;
    }

    /// <summary>add_cost: adds <paramref name="cost"/> (per particle or scalar) to the program's value.</summary>
    public void AddCost(Tensor cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        _cost = _cost is null ? cost : _cost.Plus(cost);
    }

    /// <summary>
    /// minibatch: (M/m)·Σ over m indices drawn uniformly without replacement from 0..M−1 of
    /// <paramref name="term"/>(i), an unbiased estimate of the full sum Σᵢ term(i).
    /// </summary>
    public Tensor Minibatch(int total, int size, Func<int, Tensor> term)
    {
        ArgumentNullException.ThrowIfNull(term);
        if (size < 1 || size > total) throw new ArgumentOutOfRangeException(nameof(size), size, $"The minibatch size must be in 1..{total}.");
        var rng = SiteRng(_site++);
        var indices = Enumerable.Range(0, total).ToArray();
        for (var i = 0; i < size; i++)
        {
            var j = i + rng.Next(total - i);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        Tensor? sum = null;
        for (var i = 0; i < size; i++)
        {
            var v = term(indices[i]);
            sum = sum is null ? v : sum.Plus(v);
        }
        return sum!.Times((double)total / size);
    }

    /// <summary>
    /// Runs <paramref name="body"/> and returns Σ log p of the REINFORCE draws it made, taking over their
    /// estimator terms: the caller adds its own (with <see cref="ScoreTerm"/>), e.g. per-sample
    /// leave-one-out signals as VIMCO does. Other strategies are unaffected.
    /// </summary>
    public Tensor CaptureScore(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var list = new List<Tensor>();
        _captures.Push(list);
        try
        {
            body();
        }
        finally
        {
            _captures.Pop();
        }
        return list.Count == 0 ? Constant(0) : list.Aggregate((a, b) => a.Plus(b));
    }

    /// <summary>
    /// stop_grad(<paramref name="signal"/>)·(log p − stop_grad(log p)): zero-valued, with gradient
    /// signal·∇log p. Adding it to a program's value attaches a score-function term without changing the value.
    /// </summary>
    public static Tensor ScoreTerm(Tensor signal, Tensor logProb)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(logProb);
        return signal.detach() * (logProb - logProb.detach());
    }

    /// <summary>Runs <paramref name="body"/> with every draw made without gradient and without estimator terms (wake phases).</summary>
    public T Detached<T>(Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _detached++;
        try
        {
            return body();
        }
        finally
        {
            _detached--;
        }
    }

    /// <summary>A float64 zero on the CPU (broadcasts against per-particle values); <see cref="Constant"/> makes one on the context's device and dtype.</summary>
    public static Tensor Zero() => tensor(0.0);

    /// <summary>A 0-d tensor holding <paramref name="value"/> on <see cref="Device"/> in <see cref="DType"/> (broadcasts against per-particle values).</summary>
    public Tensor Constant(double value) => tensor(value, DType, Device);

    /// <summary>
    /// <paramref name="value"/> on <see cref="Device"/>, floating tensors in <see cref="DType"/> (integral and boolean ones keep
    /// their type); the tensor itself when it is already there. A <c>Param</c> init's tensor goes through this.
    /// </summary>
    public Tensor Place(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var dtype = value.is_floating_point() ? DType : value.dtype;
        return value.dtype == dtype && SameDevice(value.device, Device) ? value : value.to(dtype, Device);
    }

    private static bool SameDevice(Device a, Device b) => a.type == b.type && (a.type == TorchSharp.DeviceType.CPU || a.index == b.index);

    internal (Tensor Value, Tensor LogProb) Draw(TensorDistribution d, GradientStrategy strategy, Address? where)
    {
        var k = _site++;
        if (_forced.TryGetValue(k, out var forced))
        {
            var flp = LogProb(d, forced);
            ForcedLogProbs[k] = flp;
            return (forced, flp);
        }
        var rng = SiteRng(k);
        var shape = SampleShape(d);
        var kind = _detached > 0 ? StrategyKind.Naive : strategy.Kind;
        Tensor v;
        switch (kind)
        {
            case StrategyKind.Reparam:
                if (!d.HasRSample) throw new ModelException($"{d.Family} at {Describe(where)} has no reparameterised sampler; choose Reinforce, Enumerate or Mvd for it.", where);
                v = d.RSample(rng, shape);
                break;
            default:
                v = d.Sample(rng, shape);
                break;
        }
        // The sampler has just checked the parameters; scoring the draw need not check them again.
        var lp = Particles == 1 ? d.LogProbSumOfOwnDraw(v) : ReduceToParticles(d.LogProbOfOwnDraw(v));
        if (IsPrimal || _detached > 0) return (v, lp);
        switch (kind)
        {
            case StrategyKind.Reinforce:
                if (_captures.Count > 0) _captures.Peek().Add(lp);
                else Reinforce.Add((lp, strategy.Baseline));
                break;
            case StrategyKind.Enumerate:
                throw new BranchRequest(this, k, SupportValues(d, v, where));
            case StrategyKind.Mvd:
                SupportValues(d, v, where); // checks the site is one finite scalar per particle
                Mvd.Add((k, d, v));
                break;
        }
        return (v, lp);
    }

    /// <summary>The tensors of every support value of a finite scalar site, shaped like <paramref name="like"/>.</summary>
    internal List<Tensor> SupportValues(TensorDistribution d, Tensor like, Address? where)
    {
        var s = d.Support;
        var expected = Particles == 1 ? Array.Empty<long>() : new long[] { Particles };
        if (!like.shape.SequenceEqual(expected))
            throw new ModelException($"Enumeration and MVD need one scalar value per particle at {Describe(where)}; the draw has shape [{string.Join(", ", like.shape)}]. Split the site into scalar sites.", where);
        if (s.Kind is not (SupportKind.Integers or SupportKind.Boolean) || !double.IsFinite(s.Lower) || !double.IsFinite(s.Upper) || s.Upper - s.Lower > 4096)
            throw new ModelException($"Enumeration and MVD need a finite support; {d.Family} at {Describe(where)} has {s}.", where);
        var values = new List<Tensor>();
        for (var x = s.Lower; x <= s.Upper; x++) values.Add(like.FullLike(x));
        return values;
    }

    private static string Describe(Address? where) => where is { } a ? $"'{a}'" : "a primitive draw";

    /// <summary>The sample shape of a draw: the particle dimension unless the batch already carries it.</summary>
    internal long[] SampleShape(TensorDistribution d) =>
        Particles == 1 || (d.BatchShape.Length > 0 && d.BatchShape[0] == Particles) ? [] : [Particles];

    /// <summary>log p(value) summed over every dimension but the particle dimension.</summary>
    internal Tensor LogProb(TensorDistribution d, Tensor value) => Particles == 1 ? d.LogProbSum(value) : ReduceToParticles(d.LogProb(value));

    internal Tensor ReduceToParticles(Tensor lp)
    {
        if (Particles == 1) return lp.dim() == 0 ? lp : lp.sum();
        if (lp.dim() >= 1 && lp.shape[0] == Particles) return lp.dim() == 1 ? lp : lp.flatten(1).sum(1);
        return lp.dim() == 0 ? lp : lp.sum();
    }

    internal Rng SiteRng(int site) => new(Mix(_seed, (ulong)site));

    private static ulong Mix(ulong seed, ulong site)
    {
        // SplitMix64 finaliser over seed ⊕ golden-ratio multiple of the site: independent, reproducible streams.
        var z = seed ^ (site + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
