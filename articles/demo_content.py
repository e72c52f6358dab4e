"""Demo articles for seed_demo: written for this project, fictional service, UK context."""

ARTICLES: list[dict[str, str]] = [
    {
        "title": "Coming off heroin or other opioids: why you should not do it alone",
        "slug": "coming-off-heroin-opioids-medical-support",
        "topic": "Heroin and opioids",
        "summary": (
            "Stopping heroin or other opioids on your own can be risky, especially "
            "because of overdose once your tolerance drops. Here is why medical "
            "support matters and what it looks like."
        ),
        "body": """<p>If you are thinking about stopping heroin or other opioids, that is a big and brave step. You might be scared of withdrawal. You might be tempted to lock the door and try to push through it on your own.</p>
<p>Please don't. There is a safer way, and help is free on the NHS.</p>
<h2>What opioid withdrawal feels like</h2>
<p>When you use opioids every day, your body gets used to them. If you suddenly stop, your body struggles to cope. This is called withdrawal.</p>
<p>With heroin, withdrawal usually starts within a day of your last use. With longer-acting opioids, such as methadone, it can start later and last longer. It can include:</p>
<ul>
<li>aches and pains in your muscles and bones</li>
<li>sweating, chills and goosebumps</li>
<li>a runny nose and watery eyes</li>
<li>feeling sick, being sick and diarrhoea</li>
<li>stomach cramps</li>
<li>not being able to sleep</li>
<li>feeling anxious, restless or very low</li>
<li>strong cravings</li>
</ul>
<p>The worst of the physical symptoms often eases after about a week. Sleep, mood and cravings can take much longer to settle.</p>
<h2>Why going it alone is risky</h2>
<p>For most people, withdrawal feels awful but is not dangerous by itself. But it can become dangerous. Being sick and having diarrhoea for days can leave you badly dehydrated. This is more serious if you have other health problems.</p>
<p><strong>If you are pregnant, do not stop suddenly.</strong> Sudden withdrawal can be risky for your baby. Talk to your midwife, GP or local drug service as soon as you can. They are there to help you and your baby stay safe.</p>
<h2>The biggest danger: overdose after a break</h2>
<p>This is the part everyone needs to know.</p>
<p>When you stop using, even for a few days, your <strong>tolerance</strong> drops. Tolerance means how used your body is to a drug. An amount you used to take without problems can now stop your breathing.</p>
<p>Many people who try to stop on their own find the cravings too much and use again. If they use the same amount as before, they can overdose. This is also a real risk after leaving prison, hospital or rehab.</p>
<p>Street drugs are also less predictable than they used to be. Much stronger man-made opioids, such as nitazenes, have been found in drugs sold in the UK. You cannot tell by looking.</p>
<h2>What medical support looks like</h2>
<p>Your GP or local drug and alcohol service can talk you through your choices. These may include:</p>
<ul>
<li><strong>Substitute prescribing.</strong> A doctor prescribes a safer, longer-acting opioid medicine, such as methadone or buprenorphine. It eases withdrawal and cravings so you can get stable. Some people stay on it for a long time. Others reduce it slowly later on.</li>
<li><strong>A medically supervised detox.</strong> This means coming off with doctors and nurses keeping an eye on you. They can give medicines to ease symptoms. It can happen at home with support, in a hospital unit or in a residential rehab.</li>
<li><strong>Talking support.</strong> Keyworkers, counselling and groups help with the reasons behind using, and with staying well afterwards.</li>
</ul>
<p>Please don't buy methadone, buprenorphine or other medicines on the street to manage withdrawal yourself. You cannot know the strength, and mixing them with other drugs can be deadly.</p>
<h2>Carry naloxone</h2>
<p>Naloxone is a medicine that can reverse an opioid overdose for a short time. It comes as an injection kit or a nasal spray. Your local drug service can usually give you one for free, and some pharmacies can too. Family and friends can often get one as well.</p>
<p>If you use naloxone on someone, <strong>always call 999 as well</strong>. Naloxone can wear off before the opioids do, so the person can stop breathing again. They may need more than one dose.</p>
<h3>Signs of an opioid overdose</h3>
<ul>
<li>they will not wake up or respond to you</li>
<li>slow, shallow or noisy breathing, or no breathing at all</li>
<li>blue or grey lips and fingertips</li>
<li>very small pupils (the dark centres of the eyes)</li>
</ul>
<h2>You do not have to do this alone</h2>
<p>Feeling frightened about stopping is normal. Asking for help is not a weakness. It is the safest thing you can do.</p>
<p>If you are not sure where to start, <a href="/get-help/">ask for a free, confidential callback</a> from one of our clinicians. We will listen, explain your options and help you find safe, registered treatment.</p>
<p>If someone is in immediate danger, call 999.</p>""",
    },
    {
        "title": "Alcohol withdrawal: why stopping suddenly can be dangerous",
        "slug": "alcohol-withdrawal-stopping-suddenly",
        "topic": "Alcohol",
        "summary": (
            "If your body depends on alcohol, stopping all at once can cause fits "
            "and other serious problems. Find out the warning signs and why you "
            "should speak to your GP or a local service before you stop."
        ),
        "body": """<p>If you have decided to stop drinking, that is a really important decision. It is worth doing safely.</p>
<p>If your body has become used to alcohol, stopping all at once can make you very unwell. For some people it can be life-threatening. The good news is that, with the right help, alcohol withdrawal can be managed safely.</p>
<h2>Am I dependent on alcohol?</h2>
<p>Being dependent means your body has got used to having alcohol in it and reacts when it is taken away. You might be dependent if:</p>
<ul>
<li>you need a drink in the morning to stop feeling shaky or sick</li>
<li>you get sweaty, shaky or anxious when you have not had a drink for a while</li>
<li>you drink most days and find it very hard to stop</li>
<li>you have had withdrawal symptoms, fits or hallucinations when you stopped before</li>
</ul>
<p>If any of these sound like you, <strong>please don't stop suddenly without talking to your GP or a local alcohol service first</strong>. Try not to cut down by a lot in one go, either.</p>
<h2>What alcohol withdrawal can feel like</h2>
<p>Symptoms usually start within hours of your last drink. They can include:</p>
<ul>
<li>shaking hands (sometimes called "the shakes")</li>
<li>sweating</li>
<li>feeling sick or being sick</li>
<li>anxiety, restlessness and feeling on edge</li>
<li>a fast heartbeat</li>
<li>trouble sleeping</li>
</ul>
<p>For many people, these ease after a few days. But for some people, things get worse.</p>
<h2>The serious risks</h2>
<h3>Seizures (fits)</h3>
<p>Alcohol withdrawal can cause seizures. These usually happen in the first day or two after stopping. They can happen even if you have never had one before.</p>
<h3>Delirium tremens</h3>
<p>Delirium tremens, often called "the DTs", is a medical emergency. It usually starts a couple of days after the last drink. Signs include:</p>
<ul>
<li>sudden, severe confusion</li>
<li>seeing, hearing or feeling things that are not there</li>
<li>severe shaking</li>
<li>a high temperature and heavy sweating</li>
<li>feeling very frightened or paranoid</li>
</ul>
<p><strong>If someone has a fit, becomes very confused or starts seeing things that are not there, call 999.</strong></p>
<p>You are more at risk if you have drunk heavily for a long time, have had bad withdrawals, fits or the DTs before, or have other health problems.</p>
<h2>How a safe alcohol detox works</h2>
<p>A detox means stopping drinking with medical support. Depending on your needs, it might happen at home with regular check-ins, in hospital, or in a residential rehab.</p>
<p>A doctor may prescribe a short course of medicine to ease withdrawal and lower the risk of fits. The amount is worked out for you and reduced over a few days. Only ever take it exactly as prescribed, and never drink alcohol alongside it.</p>
<h3>Vitamins: thiamine and Pabrinex</h3>
<p>Heavy drinking can leave your body short of thiamine, also called vitamin B1. Your brain needs thiamine to work properly. A serious lack of it can cause lasting memory problems and other brain damage.</p>
<p>This is why your doctor may prescribe thiamine tablets. If you are in hospital or a detox unit, you may be given Pabrinex. This is an injection of high-strength B vitamins, including thiamine, which your body can take up more easily than tablets.</p>
<h2>If you cannot get help straight away</h2>
<p>If you think you are dependent and cannot see someone today, please don't suddenly stop on your own. Contact your GP as soon as you can, or call NHS 111 for advice on what to do in the meantime.</p>
<p>It also helps to tell someone you trust what you are planning, so they know which warning signs to look out for.</p>
<h2>You deserve support</h2>
<p>Many people feel ashamed about their drinking. There is no need to. Alcohol dependence is a health condition, and it can be treated.</p>
<p>If you would like help working out the safest next step, <a href="/get-help/">ask for a free, confidential callback</a> from one of our clinicians. We will listen without judging and help you find the right support.</p>
<p>If someone is in immediate danger, call 999.</p>""",
    },
    {
        "title": "Methadone and buprenorphine: your questions answered",
        "slug": "methadone-buprenorphine-explained",
        "topic": "Heroin and opioids",
        "summary": (
            "A plain guide to opioid substitution treatment in the UK: what "
            "methadone and buprenorphine are, how treatment is started and "
            "supervised, and answers to common worries."
        ),
        "body": """<p>If you are dependent on heroin or other opioids, you may have been offered methadone or buprenorphine. You may have heard lots of stories about them, and not all of them are true. Here are plain answers to some common questions.</p>
<h2>What is opioid substitution treatment?</h2>
<p>Opioid substitution treatment, often shortened to OST, means a doctor prescribes a safer, longer-lasting opioid medicine in place of the heroin or other opioids you have been using. People sometimes call it "a script".</p>
<p>The two main medicines used in the UK are:</p>
<ul>
<li><strong>Methadone</strong>, usually a liquid you swallow once a day.</li>
<li><strong>Buprenorphine</strong>, usually a tablet that dissolves under your tongue or a wafer that melts on it. It also comes as a long-acting injection, given weekly or monthly.</li>
</ul>
<p>Both ease withdrawal and reduce cravings. This gives you a steady, safe base, so you can focus on your health, your relationships and your life instead of where the next bag is coming from. They are safer than street drugs because you know exactly what you are taking.</p>
<h2>How do I start?</h2>
<p>In the UK, these medicines are usually prescribed by your local drug and alcohol service. Sometimes your GP prescribes them, working together with that service. You can often refer yourself to your local service.</p>
<p>Starting usually involves:</p>
<ol>
<li>An assessment with a keyworker, nurse or doctor. They will ask about your drug use, your health and what you want from treatment.</li>
<li>A drug test, usually a urine test or mouth swab, to check what is in your system.</li>
<li>Starting on a low dose, then increasing slowly until you feel stable. This is done carefully, because too much too quickly can be dangerous.</li>
</ol>
<p>With buprenorphine, you usually need to be in some withdrawal before your first dose. If you take it too soon after other opioids, it can make you suddenly feel much worse. Your prescriber will explain when to take it.</p>
<h2>What does "supervised" mean?</h2>
<p>At first, you will usually collect your medicine from a named pharmacy and take it in front of the pharmacist. This is called supervised consumption.</p>
<p>It keeps you safe while your dose is being worked out, and makes sure the medicine is not lost, shared or sold. As you become more stable, you may be able to take some doses home. Your prescriber will agree this with you.</p>
<h2>Common questions</h2>
<h3>Will I be on it forever?</h3>
<p>Not unless you want to be. Some people find staying on a steady dose for a long time helps them stay well. Others reduce slowly and stop when they feel ready. Both are valid choices. Rushing a reduction raises the risk of relapse and overdose, so always plan it with your prescriber.</p>
<h3>Isn't it just swapping one drug for another?</h3>
<p>No. Street heroin is unpredictable and short-acting, and getting it can take over your life. OST is a prescribed medicine at a steady dose, with support around it. It is recommended in UK clinical guidance and lowers the risk of dying from an overdose.</p>
<h3>Can I drink or take other drugs with it?</h3>
<p>This is very risky. Mixing methadone or buprenorphine with alcohol, benzodiazepines ("benzos"), pregabalin, gabapentin or other opioids can slow your breathing and cause a fatal overdose. Be honest with your prescriber about everything you take. They are there to keep you safe, not to punish you.</p>
<h3>What if I miss doses?</h3>
<p>If you miss several days in a row, your tolerance may have dropped. Your pharmacist may need to check with your prescriber before giving you your next dose. This is for your safety, so contact your service as soon as you can.</p>
<h3>Can I drive?</h3>
<p>Ask your prescriber. You may need to tell the DVLA, and you should never drive if you feel drowsy.</p>
<h3>What about children at home?</h3>
<p>Even a small amount of methadone or buprenorphine can kill a child. Always keep take-home doses locked away, out of sight and reach.</p>
<h3>I'm pregnant. Should I stop?</h3>
<p>Please don't stop suddenly. Staying on a prescribed medicine is often the safest choice in pregnancy. Talk to your midwife and drug service straight away.</p>
<h2>Talk it through with us</h2>
<p>If you have questions about your treatment, or want to know what is available near you, <a href="/get-help/">ask for a free, confidential callback</a> from one of our clinicians.</p>
<p>If someone is in immediate danger, call 999.</p>""",
    },
    {
        "title": "What to expect from residential rehab",
        "slug": "what-to-expect-residential-rehab",
        "topic": "Treatment and recovery",
        "summary": (
            "Thinking about rehab? Here is what usually happens, from assessment "
            "and detox to therapy and aftercare, plus how rehab can be funded in "
            "the UK and how to check a rehab is properly registered."
        ),
        "body": """<p>Residential rehab means living at a treatment centre for a while, with support around you day and night, while you get help with drugs or alcohol. It gives you space away from the pressures of everyday life.</p>
<p>If you are thinking about rehab for yourself or someone else, it helps to know what usually happens. Every rehab is different, so always ask questions before you agree to anything.</p>
<h2>Before you go: the assessment</h2>
<p>A good rehab will want to understand your needs before offering you a place. The assessment usually covers:</p>
<ul>
<li>what you use, how much and how often</li>
<li>your physical and mental health</li>
<li>any medicines you take</li>
<li>your home life, family and any children</li>
<li>what you hope to get from treatment</li>
</ul>
<p>Be as honest as you can. Nobody is judging you. It helps make sure the place is safe and right for you. If a rehab offers you a place without asking about your health, treat that as a warning sign.</p>
<h2>Detox</h2>
<p>If your body is dependent on alcohol, opioids or some other drugs, such as benzodiazepines, you will usually need a medically managed detox first. This might happen at the rehab, if it is set up and registered to do this safely, or in a hospital or specialist unit before you arrive.</p>
<p>During detox, doctors and nurses check on you and may prescribe medicines to ease withdrawal and keep you safe.</p>
<h2>Therapy and daily life</h2>
<p>After detox, the main work begins. Days usually follow a timetable. You might take part in:</p>
<ul>
<li>group therapy, where you share and learn with others</li>
<li>one-to-one sessions with a counsellor or keyworker</li>
<li>talking therapies such as CBT (cognitive behavioural therapy), which helps you notice and change unhelpful thoughts and habits</li>
<li>sessions on handling cravings and preventing relapse</li>
<li>activities such as exercise, cooking and creative work</li>
<li>an introduction to mutual aid groups, such as 12-step or SMART Recovery meetings</li>
</ul>
<p>Groups can feel hard at first. That is normal, and many people end up finding them the most helpful part.</p>
<p>Most rehabs have house rules, for example about phones, visitors and going out. Ask about these before you go, so there are no surprises.</p>
<h2>How long does it last?</h2>
<p>It varies. Some programmes last a few weeks, others several months. The right length depends on your needs and your funding. A very short stay with no support afterwards is unlikely to be enough on its own.</p>
<h2>Aftercare</h2>
<p>Leaving rehab is a big change. A good rehab helps you plan for it. Aftercare might include regular groups, check-in calls and links to services and mutual aid groups near your home. Ask what is included and for how long.</p>
<h2>Paying for rehab in the UK</h2>
<h3>Public funding</h3>
<p>Public funding for rehab usually comes through your local council, and you normally apply through your local drug and alcohol service. They will assess your needs first. The details differ across England, Scotland, Wales and Northern Ireland, and places can be limited, but it is always worth asking.</p>
<h3>Paying yourself</h3>
<p>You can also pay for rehab privately. Prices vary a lot. Some health insurance policies cover some addiction treatment, so check yours. Before paying anything, get a clear written breakdown of what is included and what happens if you leave early.</p>
<h2>Check it is registered</h2>
<p>In England, residential rehabs must be registered with the Care Quality Commission (CQC). You can search for the rehab's name on the CQC website and read its latest inspection report. Scotland, Wales and Northern Ireland have their own regulators, so ask the rehab who inspects them.</p>
<p>Useful questions to ask any rehab:</p>
<ul>
<li>Who is medically responsible for my detox?</li>
<li>Are trained staff on site at night?</li>
<li>What exactly does the price include?</li>
<li>What aftercare do you offer?</li>
</ul>
<p>Be wary of anyone who pushes you to decide quickly, asks for large payments straight away, or promises a cure.</p>
<h2>We can help you choose</h2>
<p>We are impartial, so we can help you weigh up your options and find safe, registered treatment. <a href="/get-help/">Ask for a free, confidential callback</a> from one of our clinicians.</p>
<p>If someone is in immediate danger, call 999.</p>""",
    },
    {
        "title": "Cocaine and crack: the comedown, the risks and getting support",
        "slug": "cocaine-crack-comedown-risks-support",
        "topic": "Cocaine",
        "summary": (
            "What a cocaine or crack comedown feels like, the risks to your heart, "
            "why mixing cocaine with alcohol is extra dangerous, and where to get "
            "support."
        ),
        "body": """<p>Cocaine and crack are forms of the same drug. Cocaine is usually a white powder that people snort. Crack is usually smoked, and its effects come on faster and fade faster. Both can also be injected.</p>
<p>If you are reading this in the middle of a comedown, or you are worried about how much you have been using, you are not alone. This page explains what is happening and where to get help.</p>
<h2>The comedown</h2>
<p>Cocaine can make people feel confident, alert and full of energy. When it wears off, your body and brain swing the other way. This is the comedown. It can include:</p>
<ul>
<li>feeling very low, flat or tearful</li>
<li>anxiety or paranoia</li>
<li>feeling exhausted but unable to sleep</li>
<li>irritability</li>
<li>strong cravings to use more</li>
<li>guilt or shame</li>
</ul>
<p>With crack, the high is very short, so the urge to keep using can be intense. Many people end up using far more than they meant to.</p>
<p>A comedown can last a few days. Low mood after heavy use can last longer.</p>
<p><strong>If you are having thoughts of ending your life</strong>, please tell someone now. You can call Samaritans free, day or night, on 116 123. If you feel you might act on those thoughts, call 999 or go to A&amp;E.</p>
<h3>Getting through a comedown more safely</h3>
<ul>
<li>Try not to use more to stop the comedown. It usually just delays it and adds to the risks.</li>
<li>Sip water or a soft drink and try to eat something light.</li>
<li>Rest somewhere safe and quiet, ideally with someone you trust nearby.</li>
<li>Avoid alcohol, sleeping pills or other drugs to "take the edge off". Mixing can be dangerous.</li>
</ul>
<h2>The risks to your heart</h2>
<p>Cocaine makes your heart beat faster, raises your blood pressure and narrows your blood vessels. This puts a strain on your heart and brain. It can cause a heart attack, a stroke or a dangerous heart rhythm, even in young, fit people and even the first time.</p>
<p><strong>Call 999 straight away if you or someone else has:</strong></p>
<ul>
<li>chest pain or tightness</li>
<li>a racing or uneven heartbeat that will not settle</li>
<li>trouble breathing</li>
<li>a fit (seizure)</li>
<li>a sudden, severe headache, a drooping face, weakness in an arm or leg, or trouble speaking</li>
<li>a very high temperature, or extreme agitation or confusion</li>
</ul>
<p>Tell the paramedics what has been taken. Their job is to treat you.</p>
<h2>Mixing cocaine and alcohol</h2>
<p>Many people drink while using cocaine. When the two are mixed, your liver makes a new chemical called <strong>cocaethylene</strong>. It stays in your body longer than cocaine on its own and puts even more strain on your heart. Drinking can also lead you to use more cocaine than you planned.</p>
<p>Mixing cocaine with other drugs, including heroin, is also very risky and raises the chance of overdose.</p>
<h2>Other risks</h2>
<ul>
<li>Snorting can damage the inside of your nose.</li>
<li>Smoking crack can harm your lungs and burn your lips and mouth.</li>
<li>Sharing straws, notes, pipes or needles can spread hepatitis C and other infections.</li>
<li>Heavy use can cause paranoia and, for some people, psychosis, which means losing touch with what is real.</li>
<li>Street cocaine is often mixed with other substances, so you can never be sure what is in it.</li>
</ul>
<h2>Getting support</h2>
<p>There is no substitute medicine for cocaine in the way there is for heroin. But help does work. Talking therapies, keyworker support and groups can help you understand your patterns, cope with cravings and build a life where you do not need it.</p>
<p>You can talk to your GP, contact your local drug and alcohol service (many let you refer yourself), or call FRANK free on 0300 123 6600 for confidential information and advice.</p>
<h2>Talk to us</h2>
<p>If you want to talk about your options, <a href="/get-help/">ask for a free, confidential callback</a> from one of our clinicians. We will not judge you, and we will help you find support that fits your life.</p>
<p>If someone is in immediate danger, call 999.</p>""",
    },
    {
        "title": "Staying well: relapse prevention and aftercare",
        "slug": "relapse-prevention-and-aftercare",
        "topic": "Treatment and recovery",
        "summary": (
            "Staying stopped can be hard. Learn how to spot your triggers, make a "
            "simple plan, use aftercare and mutual aid groups, and why a lapse "
            "does not mean you have failed."
        ),
        "body": """<p>Stopping drinking or using drugs is a huge achievement. Staying stopped is the next part of the journey, and it is normal to find it hard at times.</p>
<p>This page is about planning ahead, spotting warning signs and knowing what to do if things slip.</p>
<h2>Understanding triggers</h2>
<p>A trigger is anything that makes you want to drink or use. Triggers are different for everyone. Common ones include:</p>
<ul>
<li><strong>People</strong> you used to drink or use with</li>
<li><strong>Places</strong> linked to using, such as a certain pub, street or house</li>
<li><strong>Feelings</strong> such as stress, anger, loneliness, boredom or sadness</li>
<li><strong>Times</strong> such as payday, weekends, anniversaries or late at night</li>
<li><strong>Good times too</strong>, such as celebrations, when you feel you deserve a reward</li>
</ul>
<p>Some people use the word <strong>HALT</strong> as a quick check: am I Hungry, Angry, Lonely or Tired? Looking after these basic needs can make cravings easier to handle.</p>
<h2>Cravings pass</h2>
<p>A craving can feel as if it will last forever. It will not. Cravings rise, peak and then fade. Things that can help while you wait it out:</p>
<ul>
<li>call or message someone who supports your recovery</li>
<li>leave the situation if you can</li>
<li>go for a walk, have a shower or keep your hands busy</li>
<li>remind yourself why you stopped, perhaps by reading a note you wrote to yourself</li>
<li>"play the tape forward": picture how you would really feel the next morning</li>
</ul>
<h2>Make a plan</h2>
<p>A relapse prevention plan is a simple written plan for staying well. You can make one with your keyworker or counsellor, or on your own. It might include:</p>
<ol>
<li>your main triggers and how you will handle each one</li>
<li>early warning signs that you are struggling, such as skipping support, cutting yourself off or missing the old days</li>
<li>people you can call, with their numbers</li>
<li>things that help you feel calm and well</li>
<li>what you will do if you do drink or use</li>
</ol>
<p>Keep it somewhere easy to find, like on your phone.</p>
<h2>Aftercare and mutual aid</h2>
<p>Aftercare is the support you get after treatment ends. It might be regular groups, one-to-one sessions or check-in calls from your rehab or local service. Keep going, even when you feel fine. That is often when it helps most.</p>
<p>Mutual aid groups are free groups where people in recovery support each other. They include Alcoholics Anonymous, Narcotics Anonymous, Cocaine Anonymous and SMART Recovery. Some follow the 12 steps. SMART Recovery uses practical tools based on talking therapies. There are meetings in person and online. It is fine to try a few to find what suits you.</p>
<h2>A lapse is not failure</h2>
<p>A lapse is a slip: a drink or a use, followed by getting back on track. A relapse is going back to your old pattern. A lapse does not wipe out the progress you have made, and it does not have to become a relapse.</p>
<p>If you lapse, try to be kind to yourself. Shame often pushes people to use more. Instead:</p>
<ul>
<li>stop as soon as you can, and get somewhere safe</li>
<li>tell someone you trust, or your keyworker</li>
<li>look at what led up to it, so you can learn from it</li>
<li>go back to your plan and your support</li>
</ul>
<h2>Stay safe: your tolerance will be lower</h2>
<p><strong>This is really important.</strong> After a break, your body is no longer used to the amount you used to take. Taking the same amount as before can cause an overdose, especially with heroin and other opioids. If you have used opioids, make sure you and the people around you carry naloxone, and try never to use alone.</p>
<p>If you were dependent on alcohol and start drinking heavily again, stopping suddenly can be dangerous again. Speak to your GP or local service before you stop.</p>
<h2>We are here if you need us</h2>
<p>If you are worried about slipping, or you already have, <a href="/get-help/">ask for a free, confidential callback</a> from one of our clinicians. We can help you get back on track.</p>
<p>If someone is in immediate danger, call 999.</p>""",
    },
    {
        "title": "Supporting someone you love who is drinking or using drugs",
        "slug": "supporting-someone-you-love",
        "topic": "Family and friends",
        "summary": (
            "Worried about someone's drinking or drug use? How to look after "
            "yourself, what tends to help, what usually does not, and how you can "
            "ask us for advice on their behalf."
        ),
        "body": """<p>Watching someone you love struggle with drink or drugs is exhausting and frightening. You may feel angry, guilty, helpless, or all of these at once. Those feelings are normal.</p>
<p>You cannot make someone change. But what you do can still make a real difference, to them and to you.</p>
<h2>Look after yourself too</h2>
<p>It can feel selfish to think about yourself right now. It is not. You will be more able to help if you are not running on empty.</p>
<ul>
<li>Try to keep up with sleep, food and things you enjoy.</li>
<li>Talk to someone you trust about how you feel.</li>
<li>Remember that you did not cause this, and you cannot control or cure it on your own.</li>
<li>Think about a support group for families, such as Al-Anon, or a local family support service. Many drug and alcohol services support family members too, even if the person you are worried about is not in treatment.</li>
<li>See your GP if your own mood, sleep or stress is suffering.</li>
</ul>
<h2>What can help</h2>
<ul>
<li><strong>Pick your moment.</strong> Talk when they are sober and you are both calm, not while they are drunk or high.</li>
<li><strong>Use "I" statements.</strong> For example, "I'm worried because I've noticed..." rather than "You always...".</li>
<li><strong>Listen.</strong> Ask how they are feeling and what they want. Try not to interrupt or argue.</li>
<li><strong>Notice the positives.</strong> Say so when they make a good choice, however small.</li>
<li><strong>Learn about it.</strong> Understanding the substance and the treatment options helps you stay calm and share accurate information.</li>
<li><strong>Set clear boundaries</strong> and stick to them. For example, "I won't lend you money" or "I won't have drugs in the house."</li>
<li><strong>Keep the door open.</strong> Let them know you will help them find support whenever they are ready.</li>
</ul>
<h2>What usually does not help</h2>
<ul>
<li>shouting, lecturing or name-calling</li>
<li>threats you will not carry out</li>
<li>covering up for them, making excuses or paying off their debts, which can stop them seeing the effects of their use</li>
<li>trying to reason with someone who is drunk or high</li>
<li>pouring away their drink: if someone is dependent on alcohol, stopping suddenly can be dangerous, so they need medical advice first</li>
<li>blaming yourself</li>
</ul>
<h2>Keeping everyone safe</h2>
<p>If the person uses heroin or other opioids, ask your local drug service about a free naloxone kit and how to use it. Naloxone can reverse an opioid overdose for long enough for an ambulance to arrive. Family members can often get one.</p>
<p>If you ever feel unsafe because of their behaviour, your safety comes first. In an emergency, call 999.</p>
<p>If there are children in the home and you are worried about their safety, contact your local council's children's services. If a child is in danger right now, call 999.</p>
<p>If the person talks about ending their life, take it seriously. Encourage them to contact their GP or call Samaritans free on 116 123, and call 999 if they are in immediate danger.</p>
<h2>Asking us for help on their behalf</h2>
<p>You can contact us even if the person you are worried about is not ready to talk. One of our clinicians can listen, explain the options and help you think about how to start a conversation or what to do next.</p>
<p>We keep what you tell us confidential. We cannot arrange treatment for another adult without their agreement, but we can help you get ready, so that when they are ready, you both know where to turn.</p>
<h2>Get in touch</h2>
<p>Whether you are asking for yourself or for someone you love, <a href="/get-help/">ask for a free, confidential callback</a> from one of our clinicians.</p>
<p>If someone is in immediate danger, call 999.</p>""",
    },
]

# The demo topics. Safety information is shown first on the Get help form to someone
# who arrives from an article on that topic.
TOPICS: list[dict[str, str]] = [
    {
        "name": "Heroin and opioids",
        "slug": "heroin-and-opioids",
        "safety_information": """<p><strong>Signs of an opioid overdose:</strong> they cannot be woken or are very hard to wake; their breathing is slow, shallow or stops, or they are snoring or gurgling; their lips or fingertips are blue or grey; their pupils are tiny.</p>
<ul>
<li><strong>Call 999 straight away</strong> and say someone may have overdosed.</li>
<li>If you have naloxone, give it now and tell the call handler. Naloxone wears off sooner than heroin and other opioids, so they still need hospital care even if they wake up.</li>
<li>If they are breathing, put them on their side in the recovery position and stay with them.</li>
</ul>
<p>Naloxone is free from drug and alcohol services and from many pharmacies, for anyone who might be there when someone overdoses. Ask us about it when we call.</p>""",
    },
    {
        "name": "Alcohol",
        "slug": "alcohol",
        "safety_information": """<p><strong>If you drink every day, do not stop suddenly</strong> before talking to your GP or a drug and alcohol service: alcohol withdrawal can cause fits.</p>
<p><strong>Call 999</strong> if someone is confused, having a fit, cannot be woken, is breathing slowly or unevenly, or is being sick while very drowsy. Put them on their side in the recovery position and stay with them.</p>""",
    },
    {
        "name": "Cocaine",
        "slug": "cocaine",
        "safety_information": """<p><strong>Call 999</strong> if someone who has taken cocaine or crack has chest pain, a racing or uneven heartbeat, a very high temperature, a fit, or sudden weakness, or is extremely agitated or paranoid.</p>
<p>Mixing cocaine with alcohol makes these dangers worse.</p>""",
    },
    {
        "name": "Treatment and recovery",
        "slug": "treatment-and-recovery",
        "safety_information": "",
    },
    {
        "name": "Family and friends",
        "slug": "family-and-friends",
        "safety_information": "",
    },
]

# A fictional reviewer for the demo: not a real person, not a real registration.
REVIEWER = {
    "name": "Dr Demo Reviewer",
    "slug": "dr-demo-reviewer",
    "role": "Consultant addiction psychiatrist (fictional, for the demo)",
    "registration_body": "GMC",
    "registration_number": "0000000",
    "bio": "A fictional reviewer who stands in for the clinicians who check every"
    " article before it is published. Replace this with a real reviewer's biography.",
}

# Published guidance the demo articles draw on, by article slug.
REFERENCES = {
    "coming-off-heroin-opioids-medical-support": [
        "Department of Health (2017). Drug misuse and dependence: UK guidelines on"
        " clinical management (the 'Orange Book').",
        "NICE (2007). Drug misuse in over 16s: opioid detoxification. Clinical"
        " guideline CG52.",
    ],
    "alcohol-withdrawal-stopping-suddenly": [
        "NICE (2011). Alcohol-use disorders: diagnosis, assessment and management of"
        " harmful drinking and alcohol dependence. Clinical guideline CG115.",
        "NICE (2010). Alcohol-use disorders: diagnosis and management of physical"
        " complications. Clinical guideline CG100.",
    ],
    "methadone-buprenorphine-explained": [
        "NICE (2007). Methadone and buprenorphine for the management of opioid"
        " dependence. Technology appraisal guidance TA114.",
        "Department of Health (2017). Drug misuse and dependence: UK guidelines on"
        " clinical management.",
    ],
    "relapse-prevention-and-aftercare": [
        "NICE (2007). Drug misuse in over 16s: psychosocial interventions. Clinical"
        " guideline CG51.",
    ],
}

HERO_ALT = "An illustration of soft green hills under a pale morning sky."
HERO_CREDIT = "Illustration made for this site."


def hero_image_png() -> bytes:
    """The demo's hero picture, drawn here rather than downloaded: a calm landscape."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a pale sky, lighter towards the horizon
        shade = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(int(200 + 40 * shade), int(225 + 20 * shade), int(235 + 10 * shade)),
        )
    draw.ellipse([1150, 140, 1330, 320], fill=(250, 240, 205))  # a low sun
    for offset, colour in ((520, (150, 190, 160)), (620, (110, 160, 130)),
                           (720, (75, 125, 105))):  # fmt: skip
        draw.polygon(
            [(0, height), (0, offset), (400, offset - 90), (900, offset + 10),
             (1300, offset - 70), (width, offset - 20), (width, height)],
            fill=colour,
        )  # fmt: skip
    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
