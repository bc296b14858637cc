"""The words ``nn`` shows a person, in English and Japanese: one catalog, looked up by key.

Every message is a ``str.format`` template per language, with the same named fields in each,
so a caller fills one set of fields whatever the language::

    print(message("cli.result", lang, result=...))

The Japanese terms follow ``docs/glossary.ja.md`` (損失 loss, 正解率 accuracy, エポック epoch,
学習率 learning rate, 決定境界 decision boundary, ...). Keys name where a message is used:

- ``cli.*``: what ``python -m nn`` prints. One line each for the summary (``cli.data``,
  ``cli.model``, ``cli.training``, ``cli.result``, ``cli.learned``, ``cli.wrote``), the pieces
  those lines are made of (``cli.samples``, ``cli.accuracy``, ...), the description of each
  file written (``cli.file.*``), the data sets (``cli.dataset.<name>``), the progress bar
  (``cli.progress``) and the one-line errors (``cli.error*``);
- ``report.*``: the training report page (``nn.report``); ``report.at_epoch*`` are templates
  its script fills in;
- ``plot.*``: the titles, axis labels and legends of ``nn.plots``.

The summary labels are padded to a width of 10 columns on a terminal (a Japanese character
takes two), so the values line up in either language.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LANGUAGES", "MESSAGES", "message", "templates"]

LANGUAGES = ("en", "ja")

MESSAGES: dict[str, dict[str, str]] = {
    # The summary of `python -m nn`, one line each, in the order it prints them.
    "cli.data": {
        "en": "data      {dataset}: {what}, {samples} samples, noise {noise:g}, seed {seed}",
        "ja": "データ    {dataset}: {what}、{samples} 個、ノイズ {noise:g}、シード {seed}",
    },
    "cli.data.real": {
        "en": "data      {dataset}: {what}, {samples} samples, {features} features, "
        "{classes} classes",
        "ja": "データ    {dataset}: {what}、{samples} 個、特徴量 {features} 個、{classes} クラス",
    },
    "cli.split": {
        "en": "split     train {train}, validation {val}, test {test}, seed {seed}{scaled}",
        "ja": "分割      訓練 {train}、検証 {val}、テスト {test}、シード {seed}{scaled}",
    },
    "cli.standardized": {
        "en": "; features standardized by the training rows' mean and deviation",
        "ja": "。特徴量は訓練データの平均と標準偏差で標準化",
    },
    "cli.model": {
        "en": "model     MLP({sizes}), {hidden}linear output, {parameters} parameters",
        "ja": "モデル    MLP({sizes})、{hidden}出力は線形、パラメータ {parameters} 個",
    },
    "cli.hidden": {"en": "{activation} hidden, ", "ja": "隠れ層は {activation}、"},
    "cli.training": {
        "en": "training  {loss} loss, {optimizer}, {epochs} epochs, {batch}",
        "ja": "学習      損失 {loss}、{optimizer}、{epochs} エポック、{batch}",
    },
    "cli.optimizer": {"en": "{name} lr {lr:g}", "ja": "{name} 学習率 {lr:g}"},
    "cli.momentum": {"en": " momentum {momentum:g}", "ja": " モーメンタム {momentum:g}"},
    "cli.l2": {"en": " l2 {l2:g}", "ja": " L2 正則化 {l2:g}"},
    "cli.full_batch": {"en": "full batch", "ja": "全データを1バッチ"},
    "cli.batches": {"en": "batches of {size}", "ja": "バッチサイズ {size}"},
    "cli.result": {"en": "result    {result}", "ja": "結果      {result}"},
    "cli.loss": {"en": "loss {loss:.6g}", "ja": "損失 {loss:.6g}"},
    "cli.accuracy": {"en": ", accuracy {accuracy:.1%}", "ja": "、正解率 {accuracy:.1%}"},
    "cli.validation": {
        "en": "val       {result}, best epoch {best} of {epochs}",
        "ja": "検証      {result}、最良のエポック {best}／{epochs}",
    },
    "cli.stopped": {
        "en": "; stopped early and kept the best epoch's weights",
        "ja": "。早期終了し、最良のエポックの重みを残しました",
    },
    "cli.test": {
        "en": "test      {result} on {n} held-out samples",
        "ja": "テスト    学習に使わなかった {n} 個で {result}",
    },
    "cli.note": {"en": "note      {text}", "ja": "注意      {text}"},
    "cli.learned": {"en": "learned   y = {line}", "ja": "学んだ式  y = {line}"},
    "cli.wrote": {"en": "wrote     {folder}", "ja": "書き出し  {folder}"},
    "cli.created": {"en": " (new folders: {folders})", "ja": "（新しいフォルダ: {folders}）"},
    "cli.predicted": {
        "en": "wrote     {path}: {n} predictions",
        "ja": "書き出し  {path}: 予測 {n} 個",
    },
    # What each written file holds (printed under cli.wrote, beside the file's path).
    "cli.file.loss": {"en": "loss per epoch", "ja": "エポックごとの損失"},
    "cli.file.loss_accuracy": {
        "en": "loss and accuracy per epoch",
        "ja": "エポックごとの損失と正解率",
    },
    "cli.file.fit": {"en": "the fitted line through the data", "ja": "データに当てはめた直線"},
    "cli.file.boundary": {
        "en": "decision boundary with the data",
        "ja": "決定境界とデータ",
    },
    "cli.file.model": {
        "en": "the trained model (nn.load reads it)",
        "ja": "学習済みモデル（nn.load で読める）",
    },
    "cli.file.graph": {
        "en": "computation graph of the largest one-example loss {when} "
        "(example {k}: {worst:.3g})",
        "ja": "1例の損失が最大になる例の計算グラフ、{when}（例 {k}: {worst:.3g}）",
    },
    "cli.file.data": {
        "en": "feature names, class names and the standardizer, for python -m nn predict",
        "ja": "特徴量名・クラス名・標準化の値（python -m nn predict が使う）",
    },
    "cli.file.report": {
        "en": "the training report: open it in a browser",
        "ja": "学習レポート（ブラウザで開く）",
    },
    "cli.file.graph.after": {"en": "after training", "ja": "学習後"},
    "cli.file.graph.first": {"en": "at the first step", "ja": "最初のステップ"},
    # The data sets, as the summary and --help describe them.
    "cli.dataset.moons": {"en": "two interleaved half moons", "ja": "かみ合った2つの半月"},
    "cli.dataset.circles": {"en": "a ring around a disc", "ja": "円板を囲む輪"},
    "cli.dataset.blobs": {
        "en": "{k} overlapping Gaussian clusters",
        "ja": "重なり合う {k} つのガウス分布のかたまり",
    },
    "cli.dataset.spirals": {"en": "{k} spiral arms", "ja": "{k} 本のらせん"},
    "cli.dataset.iris": {
        "en": "Fisher's iris flowers: 4 measurements in cm, 3 species",
        "ja": "フィッシャーのアヤメ：4つの計測値（cm）、3品種",
    },
    "cli.dataset.digits": {
        "en": "8x8 images of handwritten digits 0-9 (scikit-learn's copy)",
        "ja": "手書き数字 0〜9 の 8x8 画像（scikit-learn 同梱のもの）",
    },
    "cli.dataset.csv": {"en": "classes in column {target!r}", "ja": "クラスは列 {target!r}"},
    "cli.dataset.linear": {
        "en": "y = 3x + noise (regression)",
        "ja": "y = 3x + ノイズ（回帰）",
    },
    # tqdm's description of the bar fit() draws.
    "cli.progress": {"en": "fit", "ja": "学習"},
    # One line on stderr each; {error} is the library's own message.
    "cli.error": {"en": "error: {error}", "ja": "エラー: {error}"},
    "cli.error.usage": {
        "en": "{prog}: error: {error} (see --help)",
        "ja": "{prog}: エラー: {error}（--help を参照）",
    },
    "cli.error.momentum": {
        "en": "--momentum is for sgd; {optimizer} keeps its own running averages",
        "ja": "--momentum は sgd 用です。{optimizer} は自分で移動平均を持っています",
    },
    "cli.error.regression": {
        "en": "--loss {loss} needs class labels, but linear is regression: use mse",
        "ja": "--loss {loss} にはクラスのラベルが要りますが、linear は回帰です: "
        "mse を使ってください",
    },
    "cli.error.two_classes": {
        "en": "--loss {loss} is for two classes, but {dataset} has {k}: use cross_entropy",
        "ja": "--loss {loss} は2クラス用ですが、{dataset} は {k} クラスです: "
        "cross_entropy を使ってください",
    },
    "cli.error.data_and_dataset": {
        "en": "--data and --dataset {dataset} both name the data: give one of them",
        "ja": "--data と --dataset {dataset} の両方がデータを指定しています。"
        "どちらか一方にしてください",
    },
    "cli.error.target": {
        "en": "--data FILE.csv and --target COLUMN go together: give both",
        "ja": "--data FILE.csv と --target COLUMN は一緒に指定してください",
    },
    "cli.error.toy_only": {
        "en": "{option} is for the generated toy sets; real data has the rows it has",
        "ja": "{option} は生成するトイデータ用です。実データの行は決まっています",
    },
    "cli.error.classes": {
        "en": "--classes is for blobs and spirals, not {dataset}",
        "ja": "--classes は blobs と spirals 用です（{dataset} には使えません）",
    },
    "cli.error.patience": {
        "en": "--patience watches the validation loss: add --val-split F (e.g. 0.2)",
        "ja": "--patience は検証データの損失を見ます。--val-split F（例: 0.2）を加えてください",
    },
    "cli.error.splits": {
        "en": "--test-split {test:g} and --val-split {val:g} leave no rows to train on: "
        "keep their sum below 1",
        "ja": "--test-split {test:g} と --val-split {val:g} では訓練データが残りません。"
        "合計を 1 未満にしてください",
    },
    "cli.error.standardize_linear": {
        "en": "--standardize would rescale linear's x, so the learned line would not read "
        "y = 3x; drop it",
        "ja": "--standardize は linear の x を変えてしまい、学んだ式が y = 3x になりません。"
        "外してください",
    },
    "cli.error.out_file": {
        "en": "--out {path} is a file, and --out names a folder: choose another path",
        "ja": "--out {path} はファイルです。--out にはフォルダを指定してください",
    },
    "cli.error.out_parent": {
        "en": "--out {path}: {parent} is a file, so no folder can be made under it",
        "ja": "--out {path}: {parent} はファイルなので、その下にフォルダを作れません",
    },
    "cli.error.out_unwritable": {
        "en": "--out {path}: cannot write into {folder} (permission denied); choose "
        "another folder",
        "ja": "--out {path}: {folder} に書き込めません（権限がありません）。"
        "別のフォルダを指定してください",
    },
    "cli.error.out_folder": {
        "en": "--out {path} is a folder; give a file name such as predictions.csv",
        "ja": "--out {path} はフォルダです。predictions.csv のようなファイル名にしてください",
    },
    "cli.error.write": {
        "en": "could not write {path}: {reason}; {state}",
        "ja": "{path} を書き込めませんでした: {reason}。{state}",
    },
    "cli.error.write.nothing": {
        "en": "nothing was written to {folder}",
        "ja": "{folder} には何も書き込んでいません",
    },
    "cli.error.write.partial": {
        "en": "{folder} holds the new {written} and the previous run's other files",
        "ja": "{folder} には新しい {written} と、前回の実行の残りのファイルがあります",
    },
    "cli.error.read": {
        "en": "could not read {path}: {reason}",
        "ja": "{path} を読めませんでした: {reason}",
    },
    "cli.error.predict_columns": {
        "en": "{path} has {got} columns, and the model takes {want} features; with no "
        "data.json beside the model, give exactly its inputs",
        "ja": "{path} の列は {got} 個ですが、モデルの入力は {want} 個です。モデルの隣に "
        "data.json がないときは入力の列だけを渡してください",
    },
    "cli.interrupted": {"en": "interrupted", "ja": "中断しました"},
    # nn.report: the training report page (report.html)
    "report.title": {"en": "Training report", "ja": "学習レポート"},
    "report.summary": {
        "en": "{epochs} epochs; final loss {loss}, accuracy {accuracy}",
        "ja": "{epochs} エポック。最後の損失 {loss}、正解率 {accuracy}",
    },
    "report.summary_regression": {
        "en": "{epochs} epochs; final loss {loss}",
        "ja": "{epochs} エポック。最後の損失 {loss}",
    },
    "report.loss": {"en": "loss", "ja": "損失"},
    "report.accuracy": {"en": "accuracy", "ja": "正解率"},
    "report.epoch": {"en": "epoch", "ja": "エポック"},
    "report.curves": {"en": "Loss and accuracy per epoch", "ja": "エポックごとの損失と正解率"},
    "report.boundary": {
        "en": "Decision boundary as training goes on",
        "ja": "学習とともに変わる決定境界",
    },
    "report.boundary_help": {
        "en": "The background colour is the class the model predicts at that point "
        "(paler: less sure); the dots are the training data.",
        "ja": "背景の色はその点でモデルが予測するクラスです（淡いほど自信が低い）。"
        "点は訓練データです。",
    },
    "report.no_boundary": {
        "en": "This is regression: there is no decision boundary to draw.",
        "ja": "これは回帰なので、決定境界はありません。",
    },
    "report.play": {"en": "Play", "ja": "再生"},
    "report.pause": {"en": "Pause", "ja": "一時停止"},
    # Filled in by report.js: {epoch}, {loss} and {accuracy} are left for the script.
    "report.at_epoch": {
        "en": "epoch {epoch}: loss {loss}, accuracy {accuracy}",
        "ja": "エポック {epoch}: 損失 {loss}、正解率 {accuracy}",
    },
    "report.at_epoch_regression": {
        "en": "epoch {epoch}: loss {loss}",
        "ja": "エポック {epoch}: 損失 {loss}",
    },
    "report.untrained": {
        "en": "epoch 0 is the untrained model",
        "ja": "エポック 0 は学習前のモデルです",
    },
    "report.graph_section": {
        "en": "The computational graph of one example's loss",
        "ja": "1つの例の損失の計算グラフ",
    },
    "report.graph_intro": {
        "en": "Example {example}, {when}: its loss is {loss}. "
        "Step through the forward pass and backpropagation below.",
        "ja": "例 {example}（{when}）: 損失は {loss} です。"
        "下で順伝播と誤差逆伝播をステップごとに進められます。",
    },
    "report.after_training": {"en": "after training", "ja": "学習後"},
    "report.first_step": {
        "en": "at the first step (after training every loss is 0)",
        "ja": "最初のステップ（学習後はすべての損失が 0 のため）",
    },
    # nn.plots
    "plot.epoch": {"en": "epoch", "ja": "エポック"},
    "plot.loss": {"en": "loss", "ja": "損失"},
    "plot.accuracy": {"en": "accuracy", "ja": "正解率"},
    "plot.training": {"en": "training", "ja": "訓練データ"},
    "plot.validation": {"en": "validation", "ja": "検証データ"},
    "plot.history.title": {
        "en": "training: final loss {loss:.4g}",
        "ja": "学習：最終的な損失 {loss:.4g}",
    },
    "plot.class": {"en": "class {k}", "ja": "クラス {k}"},
    "plot.boundary.title": {
        "en": "decision boundary (training accuracy {accuracy:.1%})",
        "ja": "決定境界（訓練データの正解率 {accuracy:.1%}）",
    },
    "plot.data": {"en": "data", "ja": "データ"},
    "plot.model": {"en": "model", "ja": "モデル"},
    "plot.regression.title": {
        "en": "fitted model (training MSE {mse:.4g})",
        "ja": "学習したモデル（訓練データの MSE {mse:.4g}）",
    },
}


def message(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The message ``key`` in ``lang``, with ``fields`` filled in.

    >>> message("plot.class", "ja", k=2)
    'クラス 2'
    >>> message("cli.loss", "en", loss=0.25)
    'loss 0.25'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    try:
        template = MESSAGES[key][lang]
    except KeyError:
        raise KeyError(
            f"no message {key!r} in nn.i18n.MESSAGES; add it in every language"
        ) from None
    return template.format(**fields)


def templates(prefix: str, lang: str = "en") -> dict[str, str]:
    """Every message whose key starts with ``prefix``, unfilled, keyed by the rest of its key.

    For a page whose script fills the fields in itself.

    >>> templates("report.", "ja")["epoch"]
    'エポック'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return {k[len(prefix) :]: v[lang] for k, v in MESSAGES.items() if k.startswith(prefix)}
