namespace Ppl.Inference.Amortized.Programs;

/// <summary>
/// A <see cref="DtPosterior"/> as a generative function with no arguments whose choices are the model's
/// latents: q(x) is the mixture's density of f(x) with the Jacobian, so importance sampling's weight
/// log p(x, z) − log q(x) is that of the model at the model's own addresses. The latents form one joint
/// mixture, so operations that keep some latents and redraw others (partial constraints or selections) are
/// not supported; all-or-none forms, which importance sampling and independence moves use, are.
/// </summary>
internal sealed class DtProposal(DtPosterior posterior) : IGenerativeFunction<Unit, Unit>
{
    public string Name => $"dt-posterior({posterior.Model})";

    public ParameterStore Parameters { get; } = new();

    public ITrace<Unit, Unit> Simulate(Unit args, Rng rng)
    {
        var x = posterior.Draw(rng, out var logQ);
        return new Trace(this, posterior.ToChoices(x), logQ);
    }

    public GenerateResult<Unit, Unit> Generate(Unit args, ChoiceMap constraints, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        if (constraints.IsEmpty) return new GenerateResult<Unit, Unit>(Simulate(args, rng), 0);
        var trace = Full(constraints, "Generate");
        return new GenerateResult<Unit, Unit>(trace, trace.Score);
    }

    public AssessResult<Unit> Assess(Unit args, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return new AssessResult<Unit>(Full(choices, "Assess").Score, Unit.Value);
    }

    public ProposeResult<Unit> Propose(Unit args, Rng rng)
    {
        var x = posterior.Draw(rng, out var logQ);
        return new ProposeResult<Unit>(posterior.ToChoices(x), logQ, Unit.Value);
    }

    public UpdateResult<Unit, Unit> Update(ITrace<Unit, Unit> trace, Unit args, ChoiceMap constraints, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(constraints);
        if (constraints.IsEmpty) return new UpdateResult<Unit, Unit>(trace, 0, ChoiceMap.Empty);
        var next = Full(constraints, "Update");
        return new UpdateResult<Unit, Unit>(next, next.Score - trace.Score, trace.Choices);
    }

    public RegenerateResult<Unit, Unit> Regenerate(ITrace<Unit, Unit> trace, Unit args, Selection selection, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(selection);
        // Redrawing every latent from q is an independence move whose ratio p(t')q(t)/(p(t)q(t')) is 1.
        return Selected(selection, "Regenerate") switch
        {
            0 => new RegenerateResult<Unit, Unit>(trace, 0),
            _ => new RegenerateResult<Unit, Unit>(Simulate(args, rng), 0),
        };
    }

    public double Project(ITrace<Unit, Unit> trace, Selection selection)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(selection);
        return Selected(selection, "Project") == 0 ? 0 : trace.Score;
    }

    public double Project(ITrace trace, Selection selection) =>
        Project(trace as ITrace<Unit, Unit> ?? throw new ArgumentException($"'{Name}' projects its own traces only.", nameof(trace)), selection);

    public ChoiceMap ChoiceGradients(ITrace<Unit, Unit> trace, Selection selection)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(selection);
        var g = posterior.Gradient(trace.Choices);
        var map = ChoiceMap.Empty;
        for (var j = 0; j < g.Length; j++)
            if (selection.Contains(posterior.Latents[j].Address)) map = map.Set(posterior.Latents[j].Address, g[j]);
        return map;
    }

    public void AccumulateParameterGradients(ITrace<Unit, Unit> trace, double scale)
    {
        // No trainable parameters: the network that made the mixture is frozen.
    }

    /// <summary>A trace from choices that must hold every latent and nothing else.</summary>
    private Trace Full(ChoiceMap choices, string operation)
    {
        var latents = posterior.Latents.Select(l => l.Address).ToList();
        var unvisited = choices.Leaves.Select(l => l.Address).Where(a => !latents.Contains(a)).ToList();
        if (unvisited.Count > 0) throw new UnvisitedConstraintsException(Name, unvisited, latents);
        var missing = latents.Where(a => !choices.Contains(a)).ToList();
        if (missing.Count > 0)
            throw new NotSupportedException(
                $"{operation} on '{Name}' with the latents {string.Join(", ", latents.Where(choices.Contains))} given but not {string.Join(", ", missing)}: the latents are one joint mixture, so give all of them or none.");
        var x = posterior.Read(choices);
        return new Trace(this, posterior.ToChoices(x), posterior.LogDensityOf(x));
    }

    /// <summary>How many latents <paramref name="selection"/> selects: all or none are supported.</summary>
    private int Selected(Selection selection, string operation)
    {
        var n = posterior.Latents.Count(l => selection.Contains(l.Address));
        if (n != 0 && n != posterior.Latents.Count)
            throw new NotSupportedException($"{operation} on '{Name}' with a selection of {n} of its {posterior.Latents.Count} latents: the latents are one joint mixture, so select all of them or none.");
        return n;
    }

    private sealed class Trace(DtProposal function, ChoiceMap choices, double score) : ITrace<Unit, Unit>
    {
        public ChoiceMap Choices => choices;

        public double Score => score;

        public object? ArgsObject => Unit.Value;

        public object? ReturnObject => Unit.Value;

        public IGenerativeFunction Function => function;

        public Unit Args => Unit.Value;

        public Unit Return => Unit.Value;

        public IGenerativeFunction<Unit, Unit> GenerativeFunction => function;
    }
}
