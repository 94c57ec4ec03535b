using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Operators;
using Ppl.Inference.Amortized.Standardisation;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Programs;

/// <summary>
/// A Distribution Transformer's training problem read from a traced program: any generative function
/// (typically a <c>[Model]</c>) whose prior and likelihood are named by addresses. Each simulation draws the
/// model's arguments (fixed, or from a meta-prior over them), runs <c>Simulate</c>, and reads the latents
/// (<see cref="Latents"/>) and the observations (<see cref="Observed"/>) from the trace by address; the
/// prior token comes from <see cref="Prior"/>. No hand-packed <see cref="MetaDraw"/> is needed: the model is
/// written once, as the model that inference later runs on, with its observations as <c>Sample</c> sites
/// (which training simulates and inference constrains). Latents and observations stay in float64 until the
/// network casts them, as in <see cref="ModelMetaModel"/>.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return value.</typeparam>
public sealed class TracedMetaModel<TArgs, TRet> : IMetaModel
{
    // The prior mixture is fitted on a stream of its own, so the token is the same whether or not training ran first.
    private const int FitSeed = 0x5EED;
    private readonly Func<Rng, TArgs> _arguments;
    private readonly object _gate = new();
    // The prior mixture's tensors (log weights [K], means [K, D], factors [K, D, D]), kept outside every dispose scope.
    private (Tensor LogWeights, Tensor Means, Tensor ScaleTrils)? _priorMixture;

    /// <summary>A problem whose arguments are drawn per simulation from <paramref name="arguments"/> (a meta-prior over the model's arguments).</summary>
    /// <param name="model">The model: latents and observations are its choices.</param>
    /// <param name="arguments">Draws the model's arguments for one simulation (use a fixed value for a fixed model).</param>
    /// <param name="latents">The latent choices, in the order of the latent vector, with their transforms.</param>
    /// <param name="observed">The observed choices (they must be <c>Sample</c> sites, so that simulation draws them).</param>
    /// <param name="prior">How the prior becomes the network's prior tokens.</param>
    public TracedMetaModel(IGenerativeFunction<TArgs, TRet> model, Func<Rng, TArgs> arguments, IReadOnlyList<DtLatent> latents, DtObserved observed, DtPriorToken<TArgs> prior)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _arguments = arguments ?? throw new ArgumentNullException(nameof(arguments));
        ArgumentNullException.ThrowIfNull(latents);
        Observed = observed ?? throw new ArgumentNullException(nameof(observed));
        Prior = prior ?? throw new ArgumentNullException(nameof(prior));
        if (latents.Count == 0) throw new ArgumentException("A Distribution Transformer needs at least one latent address.", nameof(latents));
        if (latents.Any(l => l is null)) throw new ArgumentException("A latent is null.", nameof(latents));
        var duplicate = latents.GroupBy(l => l.Address).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"The latent address '{duplicate.Key}' is named twice.", nameof(latents));
        Latents = [.. latents];
        Transform = SampleSpaceTransform.PerDimension([.. Latents.Select(l => l.Transform)]);
    }

    /// <summary>A problem with fixed arguments.</summary>
    public TracedMetaModel(IGenerativeFunction<TArgs, TRet> model, TArgs arguments, IReadOnlyList<DtLatent> latents, DtObserved observed, DtPriorToken<TArgs> prior)
        : this(model, _ => arguments, latents, observed, prior)
    {
    }

    /// <summary>
    /// A problem with fixed arguments whose latents are the choices <paramref name="latents"/> selects (in the
    /// order a simulation's trace lists them), each with the transform <paramref name="transform"/> gives it
    /// (the identity when null). The addresses are read from one simulation, so the model's latent structure
    /// must not depend on chance.
    /// </summary>
    public TracedMetaModel(IGenerativeFunction<TArgs, TRet> model, TArgs arguments, Selection latents, DtObserved observed, DtPriorToken<TArgs> prior,
        Func<Address, SampleSpaceTransform>? transform = null)
        : this(model, _ => arguments, Select(model, arguments, latents, observed, transform), observed, prior)
    {
    }

    /// <summary>The model.</summary>
    public IGenerativeFunction<TArgs, TRet> Model { get; }

    /// <summary>The latents, in the order of the latent vector.</summary>
    public IReadOnlyList<DtLatent> Latents { get; }

    /// <summary>The observations.</summary>
    public DtObserved Observed { get; }

    /// <summary>The prior token.</summary>
    public DtPriorToken<TArgs> Prior { get; }

    /// <summary>The sample-space transform of the latent vector (each latent's own transform): build the network with it.</summary>
    public SampleSpaceTransform Transform { get; }

    /// <summary>
    /// <paramref name="sizes"/> with the dimensions this problem fixes: the latent dimension, the number of prior
    /// parameters (0 for a mixture prior) and the observation dimension (read from one simulation).
    /// </summary>
    public DtConfig Configure(DtConfig sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var rng = new Rng(FitSeed);
        var args = _arguments(rng);
        var trace = Model.Simulate(args, rng);
        var rows = Observed.Read(trace.Choices, Model.Name);
        var dz = rows.Length > 0 ? rows[0].Length : 1;
        var p = Prior is DtPriorToken<TArgs>.Parametric parametric ? parametric.Parameters(args).Length : 0;
        return sizes with { StateDimension = Latents.Count, PriorParameterCount = p, ObservationDimensions = [dz] };
    }

    /// <summary>
    /// A fresh network for this problem: <see cref="Configure"/>d sizes and <see cref="Transform"/>, on
    /// <paramref name="device"/> (the CPU when null) in <paramref name="dtype"/> (TorchSharp's default dtype, float32, when null).
    /// </summary>
    public DistributionTransformer CreateTransformer(DtConfig sizes, long seed = 0, ProblemStandardisation? standardisation = null,
        Device? device = null, ScalarType? dtype = null) =>
        new(Configure(sizes), Transform, seed, standardisation, device, dtype);

    /// <summary>The prior as a Gaussian mixture over f(latents) (given or fitted); null for a parametric prior token.</summary>
    public Gmm? PriorMixture => PriorMixtureTensors() is { } m ? new Gmm(m.LogWeights.exp(), m.Means, m.ScaleTrils) : null;

    /// <inheritdoc />
    public MetaBatch Simulate(int batchSize, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentNullException.ThrowIfNull(rng);
        var d = Latents.Count;
        var streams = rng.Split(batchSize);
        var args = new TArgs[batchSize];
        var latent = new double[batchSize * d];
        double[][][] observations = new double[batchSize][][];
        for (var i = 0; i < batchSize; i++)
        {
            args[i] = _arguments(streams[i]);
            var trace = Model.Simulate(args[i], streams[i]);
            ReadLatents(trace.Choices, latent.AsSpan(i * d, d));
            observations[i] = Observed.Read(trace.Choices, Model.Name);
            if (observations[i].Length != observations[0].Length)
                throw new InvalidOperationException(
                    $"Model '{Model.Name}': simulation {i} of a batch has {observations[i].Length} observations, simulation 0 has {observations[0].Length}; every simulation of a batch must have the same number (draw the arguments that set it once per batch, or train one network per size).");
        }
        return new MetaBatch(PriorBatch(args), tensor(latent, new long[] { batchSize, d }), [ObservationTensor(observations)]);
    }

    /// <summary>The prior token of one problem with arguments <paramref name="args"/> (batch 1).</summary>
    public DtPrior PriorOf(TArgs args) => PriorBatch([args]);

    /// <summary>The observations of one problem as the network reads them, [1, N, Dz] in float64.</summary>
    public Tensor ObservationsOf(ChoiceMap observations) => ObservationTensor([Observed.Read(observations ?? throw new ArgumentNullException(nameof(observations)), Model.Name)]);

    /// <summary>
    /// The network's posterior for one problem, a mixture over the latents by address: the standalone fast
    /// posterior, and (through <see cref="DtPosterior.Proposal"/>) an importance proposal over the model's latents.
    /// </summary>
    /// <param name="transformer">A network trained on this problem (built with <see cref="Transform"/>).</param>
    /// <param name="args">The model's arguments.</param>
    /// <param name="observations">The observed values at the observed addresses.</param>
    public DtPosterior Posterior(DistributionTransformer transformer, TArgs args, ChoiceMap observations) =>
        Posteriors(transformer, [(args, observations)])[0];

    /// <summary>
    /// The network's posteriors for many problems in one batched pass (the amortized speed: one forward pass
    /// for all of them). Every problem must have the same number of observations.
    /// </summary>
    /// <param name="transformer">A network trained on this problem (built with <see cref="Transform"/>).</param>
    /// <param name="problems">Each problem's arguments and observed values.</param>
    public IReadOnlyList<DtPosterior> Posteriors(DistributionTransformer transformer, IReadOnlyList<(TArgs Args, ChoiceMap Observations)> problems)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0) return [];
        if (transformer.Config.StateDimension != Latents.Count)
            throw new ArgumentException($"The transformer infers {transformer.Config.StateDimension} dimensions; model '{Model.Name}' names {Latents.Count} latents ({string.Join(", ", Latents.Select(l => l.Address))}).", nameof(transformer));
        for (var dim = 0; dim < Latents.Count; dim++)
            if (!ReferenceEquals(transformer.Transform.OfDimension(dim), Latents[dim].Transform))
                throw new ArgumentException($"The transformer's sample-space transform differs from that of latent '{Latents[dim].Address}' (build the network with this problem's Transform).", nameof(transformer));
        var rows = new double[problems.Count][][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Observed.Read(problems[i].Observations ?? throw new ArgumentException($"Problem {i} has no observations (null).", nameof(problems)), Model.Name);
            if (rows[i].Length != rows[0].Length)
                throw new ArgumentException($"Problem {i} has {rows[i].Length} observations, problem 0 has {rows[0].Length}; one batched pass needs the same number (call Posterior per problem).", nameof(problems));
        }
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        // The network runs wherever it lives (the inputs follow it); the mixture comes back to the CPU as doubles.
        var output = transformer.Forward(PriorBatch([.. problems.Select(p => p.Args)]), [ObservationTensor(rows)]).Posterior.ToGmm();
        var weights = output.Weights.cpu().data<double>().ToArray();
        var means = output.Means.cpu().data<double>().ToArray();
        var trils = output.ScaleTrils.cpu().data<double>().ToArray();
        var k = (int)output.Means.shape[1];
        var d = Latents.Count;
        var result = new DtPosterior[problems.Count];
        for (var i = 0; i < result.Length; i++)
            result[i] = new DtPosterior(Model.Name, Latents, weights[(i * k)..((i + 1) * k)], means[(i * k * d)..((i + 1) * k * d)], trils[(i * k * d * d)..((i + 1) * k * d * d)]);
        return result;
    }

    private void ReadLatents(ChoiceMap choices, Span<double> into)
    {
        for (var j = 0; j < Latents.Count; j++)
        {
            var a = Latents[j].Address;
            if (!choices.TryGetValue(a, out var value))
                throw new UnknownAddressException("the Distribution Transformer's latents", Model.Name, a, choices.Leaves.Select(l => l.Address));
            if (value is not double x)
                throw new ModelException($"Model '{Model.Name}': the latent at '{a}' is a {value?.GetType().Name ?? "null"} ({value}); the Distribution Transformer infers double choices only.", a);
            var y = Latents[j].Transform.Forward(x);
            if (!double.IsFinite(y))
                throw new ModelException($"Model '{Model.Name}': the latent at '{a}' is {x}, outside the domain of its sample-space transform (f(x) = {y}); declare it with the transform that fits its support.", a);
            into[j] = x;
        }
    }

    private DtPrior PriorBatch(IReadOnlyList<TArgs> args)
    {
        var b = args.Count;
        switch (Prior)
        {
            case DtPriorToken<TArgs>.Parametric p:
            {
                var first = p.Parameters(args[0]);
                var values = new float[b * first.Length];
                for (var i = 0; i < b; i++)
                {
                    var row = i == 0 ? first : p.Parameters(args[i]);
                    if (row.Length != first.Length)
                        throw new InvalidOperationException($"Model '{Model.Name}': the prior parameters have {row.Length} numbers for one problem and {first.Length} for another.");
                    for (var j = 0; j < row.Length; j++)
                    {
                        if (!double.IsFinite(row[j])) throw new ArgumentException($"Model '{Model.Name}': prior parameter {j} is {row[j]}, which is not finite.");
                        values[i * first.Length + j] = (float)row[j];
                    }
                }
                return DtPrior.FromParameters(tensor(values, new long[] { b, first.Length }));
            }
            default:
            {
                var m = PriorMixtureTensors()!.Value;
                if (m.Means.shape[^1] != Latents.Count)
                    throw new ArgumentException($"The prior mixture has dimension {m.Means.shape[^1]}; model '{Model.Name}' names {Latents.Count} latents.");
                var k = m.Means.shape[0];
                var d = m.Means.shape[1];
                return DtPrior.FromMixture(new GmmTensors(m.LogWeights.unsqueeze(0).expand(b, k), m.Means.unsqueeze(0).expand(b, k, d), m.ScaleTrils.unsqueeze(0).expand(b, k, d, d)));
            }
        }
    }

    private (Tensor LogWeights, Tensor Means, Tensor ScaleTrils)? PriorMixtureTensors()
    {
        if (Prior is DtPriorToken<TArgs>.Parametric) return null;
        lock (_gate)
        {
            if (_priorMixture is { } done) return done;
            using (NewDisposeScope())
            {
                Gmm m;
                if (Prior is DtPriorToken<TArgs>.FixedMixture given) m = given.Value;
                else
                {
                    var f = (DtPriorToken<TArgs>.Fitted)Prior;
                    var d = Latents.Count;
                    var rng = new Rng(FitSeed);
                    var streams = rng.Split(f.Simulations);
                    var y = new double[f.Simulations * d];
                    var x = new double[d];
                    for (var i = 0; i < f.Simulations; i++)
                    {
                        ReadLatents(Model.Simulate(_arguments(streams[i]), streams[i]).Choices, x);
                        for (var j = 0; j < d; j++) y[i * d + j] = Latents[j].Transform.Forward(x[j]);
                    }
                    m = WeightedGmmFit.Fit(tensor(y, new long[] { f.Simulations, d }), zeros(new long[] { f.Simulations }, ScalarType.Float64), f.Components, rng, jitter: 1e-4);
                }
                // Kept for every later batch: detached from the caller's dispose scope (a training step's).
                _priorMixture = (m.Weights.to_type(ScalarType.Float64).log().DetachFromDisposeScope(),
                    m.Means.to_type(ScalarType.Float64).clone().DetachFromDisposeScope(),
                    m.ScaleTrils.to_type(ScalarType.Float64).clone().DetachFromDisposeScope());
            }
            return _priorMixture;
        }
    }

    private static Tensor ObservationTensor(double[][][] problems)
    {
        var b = problems.Length;
        var n = problems[0].Length;
        var dz = n > 0 ? problems[0][0].Length : 1;
        var values = new double[b * n * dz];
        for (var i = 0; i < b; i++)
            for (var k = 0; k < n; k++)
            {
                if (problems[i][k].Length != dz)
                    throw new InvalidOperationException($"Observation {k} of problem {i} has {problems[i][k].Length} numbers; the first has {dz}.");
                problems[i][k].CopyTo(values, (i * n + k) * dz);
            }
        return tensor(values, new long[] { b, n, dz });
    }

    private static IReadOnlyList<DtLatent> Select(IGenerativeFunction<TArgs, TRet> model, TArgs args, Selection selection, DtObserved observed, Func<Address, SampleSpaceTransform>? transform)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(observed);
        var choices = model.Simulate(args, new Rng(FitSeed)).Choices;
        var data = observed.Resolve(choices).ToHashSet();
        var picked = choices.Leaves.Where(l => selection.Contains(l.Address) && !data.Contains(l.Address))
            .Select(l => new DtLatent(l.Address, transform?.Invoke(l.Address) ?? SampleSpaceTransform.Identity)).ToList();
        if (picked.Count == 0) throw new ArgumentException($"The selection {selection} selects no choice of model '{model.Name}' besides its observations.", nameof(selection));
        return picked;
    }
}
